package dev.tessera.conformance;

import static org.assertj.core.api.Assertions.fail;

import dev.tessera.inference.grpc.v2.GRPCInferenceServiceGrpc;
import dev.tessera.inference.grpc.v2.ServerReadyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every contract test: a plaintext channel to the service under test, opened once it reports ready. A
 * family's test extends a contract and says where its service listens.
 */
public abstract class ServiceContract {

    /** How long a service may take to load and warm its models before a contract gives up. */
    protected static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    protected ManagedChannel channel;

    /** Where the service listens, HTTP and gRPC on one port, such as {@code http://localhost:8084}. */
    protected abstract URI serviceUri();

    @BeforeEach
    void openChannelWhenReady() throws InterruptedException {
        URI uri = serviceUri();
        channel = ManagedChannelBuilder.forAddress(uri.getHost(), uri.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
        awaitReady();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A model that failed to load will never become ready: say why at once instead of waiting out the timeout. */
    private void failFastOnFailedModel() throws InterruptedException {
        try {
            HttpResponse<String> ready = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(serviceUri().resolve("/q/health/ready"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (ready.body().contains("FAILED")) {
                fail("service at %s has a model that failed to load: %s", serviceUri(), ready.body());
            }
        } catch (IOException notListening) {
            // keep waiting
        }
    }

    private void awaitReady() throws InterruptedException {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip =
                GRPCInferenceServiceGrpc.newBlockingStub(channel);
        long until = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            try {
                if (oip.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .serverReady(ServerReadyRequest.getDefaultInstance())
                        .getReady()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the server may not listen yet
            }
            failFastOnFailedModel();
            Thread.sleep(200);
        }
        fail("service at %s was not ready within %s", serviceUri(), READY_TIMEOUT);
    }
}
