package dev.tessera.mlm;

import dev.tessera.conformance.HealthContract;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
class EmbeddingHealthTest extends HealthContract {

    @Override
    protected List<String> expectedMetrics() {
        return List.of(
                "tessera_batch_queue_depth", "tessera_inflight", "tessera_batch_size", "tessera_batch_queue_wait");
    }
}
