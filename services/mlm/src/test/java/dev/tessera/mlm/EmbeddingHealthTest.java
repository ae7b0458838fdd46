package dev.tessera.mlm;

import dev.tessera.conformance.HealthContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;

@QuarkusTest
class EmbeddingHealthTest extends HealthContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }
}
