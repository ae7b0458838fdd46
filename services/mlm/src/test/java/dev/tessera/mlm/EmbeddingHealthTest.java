package dev.tessera.mlm;

import dev.tessera.conformance.HealthContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.List;

@QuarkusTest
class EmbeddingHealthTest extends HealthContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected List<String> expectedMetrics() {
        return List.of(
                "tessera_batch_queue_depth", "tessera_inflight", "tessera_batch_size", "tessera_batch_queue_wait");
    }
}
