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
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every contract test: a plaintext channel to the service under test, opened once it reports ready.
 *
 * <p>Where the service listens comes from the system property {@value #URL_PROPERTY} when it is set (to run the kit
 * against any deployment), else from the MicroProfile Config property {@code test.url}, which Quarkus' test runners
 * resolve to the service they started ({@code @QuarkusTest} in process, {@code @QuarkusIntegrationTest} as the
 * packaged jar), random port included. So a family's test only names the contract it extends; no test class holds the
 * URL.
 */
public abstract class ServiceContract {

    /** How long a service may take to load and warm its models before a contract gives up. */
    protected static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    /** The system property that points the kit at a running service, such as {@code http://localhost:8084}. */
    public static final String URL_PROPERTY = "tessera.test.url";

    /**
     * Plain HTTP/1.1 for the health and metrics endpoints: the JDK client would otherwise try an h2c upgrade on the
     * port it shares with gRPC, which once answered a metrics scrape with an HTTP/2 frame it could not read.
     */
    protected static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    protected ManagedChannel channel;

    /** Where the service listens, HTTP and gRPC on one port, such as {@code http://localhost:8084}. */
    protected URI serviceUri() {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            url = ConfigProvider.getConfig()
                    .getOptionalValue("test.url", String.class)
                    .orElse(null);
        }
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("no service to test: set -D" + URL_PROPERTY
                    + "=http://host:port, or run the test under @QuarkusTest or @QuarkusIntegrationTest");
        }
        return URI.create(url.endsWith("/") ? url : url + "/");
    }

    /** The metrics the service exposes now, in Prometheus' text format. */
    protected String metrics() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(serviceUri().resolve("/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /q/metrics answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * The sum of a Prometheus series' samples whose line starts with {@code series} (a name, optionally with the
     * first labels), or 0 when there is none.
     */
    protected double metric(String series) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : metrics().split("\n")) {
            if (line.startsWith(series)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

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
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A model that failed to load will never become ready: say why at once instead of waiting out the timeout. */
    private void failFastOnFailedModel() throws InterruptedException {
        try {
            HttpResponse<String> ready = HTTP.send(
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
