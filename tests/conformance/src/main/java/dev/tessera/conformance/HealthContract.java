package dev.tessera.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        String metrics = metrics();
        for (String name : expectedMetrics()) {
            assertThat(metrics).as("metric " + name).contains(name);
        }
    }

    /**
     * What every service exposes from the shared defaults: per-method gRPC server metrics (a build-time switch) and
     * the deadline refusals counter.
     */
    @Test
    void metrics_expose_the_grpc_server_and_deadline_metrics() throws Exception {
        assertThat(metrics())
                .contains("grpc_server_processing_duration_seconds")
                .contains("tessera_deadline_exceeded_total{stage=\"before_start\"");
    }

    /** Server reflection is on, so grpcurl and other tools can call the service without its .proto files. */
    @Test
    void server_reflection_lists_the_family_contract_oip_v2_and_health() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName)
                                .toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        services.complete(List.of());
                    }
                });
        requests.onNext(
                ServerReflectionRequest.newBuilder().setListServices("*").build());
        List<String> names = services.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(names)
                .contains("inference.GRPCInferenceService", "grpc.health.v1.Health")
                .anySatisfy(name -> assertThat(name).startsWith("tessera."));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = serviceUri().resolve(path);
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
