package dev.tessera.llm;

import dev.tessera.conformance.textgen.ToolUseContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;

/** tool-llm over gRPC: held-out accuracy of at least 0.95, a round trip through a tool result, and tool_choice. */
@QuarkusTest
class LlmToolUseTest extends ToolUseContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected String toolModel() {
        return "tool-llm";
    }

    @Override
    protected double minAccuracy() {
        return 0.95;
    }
}
