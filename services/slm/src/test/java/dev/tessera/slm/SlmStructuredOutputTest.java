package dev.tessera.slm;

import dev.tessera.conformance.textgen.StructuredOutputContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.List;

/** Schema-constrained answers over gRPC, always valid, on stories15m-q8 and tool-slm. */
@QuarkusTest
class SlmStructuredOutputTest extends StructuredOutputContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected List<String> models() {
        return List.of("stories15m-q8", "tool-slm");
    }
}
