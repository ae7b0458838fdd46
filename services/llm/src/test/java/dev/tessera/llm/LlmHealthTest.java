package dev.tessera.llm;

import dev.tessera.conformance.HealthContract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.List;

@QuarkusTest
class LlmHealthTest extends HealthContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected List<String> expectedMetrics() {
        return List.of(
                "tessera_generation_inflight",
                "tessera_generation_rejected_total",
                "tessera_generation_time_to_first_token_seconds_bucket{model=\"stories15m\"",
                "tessera_generation_tokens_total{model=\"stories15m\"",
                "tessera_generation_decode_rate_tokens_per_second",
                "tessera_generation_batch_rows_count{model=\"stories15m\"");
    }
}
