package dev.tessera.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Health, as Kubernetes and gRPC clients see it: the standard gRPC health service reports SERVING once the models are
 * warm, and the HTTP liveness and readiness probes answer UP.
 */
public abstract class HealthContract extends ServiceContract {

    @Test
    void grpc_health_reports_serving_once_ready() {
        ServingStatus status = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService("").build())
                .getStatus();
        assertThat(status).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void http_liveness_probe_is_up() throws Exception {
        HttpResponse<String> live = get("/q/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"status\": \"UP\"");
    }

    @Test
    void http_readiness_probe_is_up_and_lists_the_models() throws Exception {
        HttpResponse<String> ready = get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\": \"UP\"").contains("READY");
    }

    /**
     * Prometheus names the family must expose as soon as it is ready, before any request: what its dashboards and
     * autoscaling read (queue depth and batch size for batched encoders, in-flight work and time to first token for
     * generators).
     */
    protected abstract List<String> expectedMetrics();

    @Test
    void metrics_expose_the_familys_serving_metrics_once_ready() throws Exception {
        HttpResponse<String> metrics = get("/q/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        for (String name : expectedMetrics()) {
            assertThat(metrics.body()).as("metric " + name).contains(name);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = serviceUri().resolve(path);
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
