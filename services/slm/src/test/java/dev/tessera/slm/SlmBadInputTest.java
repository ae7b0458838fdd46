package dev.tessera.slm;

import dev.tessera.conformance.textgen.TextGenerationBadInputContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;

@QuarkusTest
class SlmBadInputTest extends TextGenerationBadInputContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected int contextLength() {
        return 256;
    }
}
