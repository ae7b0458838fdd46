package dev.tessera.slm;

import dev.tessera.conformance.textgen.ToolUseContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;

/** tool-slm over gRPC: held-out accuracy of at least 0.85, a round trip through a tool result, and tool_choice. */
@QuarkusTest
class SlmToolUseTest extends ToolUseContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected String toolModel() {
        return "tool-slm";
    }

    @Override
    protected double minAccuracy() {
        return 0.85;
    }
}
