package dev.tessera.orchestrator.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;

/** What the tracing tests send: calls that carry a W3C trace context of the test's own, by gRPC and by REST. */
final class Traces {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh trace: 16 random bytes of trace id, and a {@code traceparent} with a random parent span id. */
    record Trace(byte[] id, String traceparent) {
        static Trace fresh() {
            byte[] id = new byte[16];
            byte[] span = new byte[8];
            RANDOM.nextBytes(id);
            RANDOM.nextBytes(span);
            HexFormat hex = HexFormat.of();
            return new Trace(id, "00-" + hex.formatHex(id) + "-" + hex.formatHex(span) + "-01");
        }
    }

    private Traces() {}

    static GenerateRequest story() {
        return GenerateRequest.newBuilder()
                .setModel("stories15m")
                .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent("Once upon a time"))
                .setMaxTokens(4)
                .build();
    }

    /** A unary Generate through the orchestrator's TextGeneration contract, in {@code trace}. */
    static void generate(MeshClient client, Trace trace) {
        TextGenerationGrpc.newBlockingStub(client.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(trace)))
                .generate(story());
    }

    /** A streamed Generate, read to its end, in {@code trace}. */
    static void generateStream(MeshClient client, Trace trace) {
        TextGenerationGrpc.newBlockingStub(client.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(trace)))
                .generateStream(
                        GenerateStreamRequest.newBuilder().setRequest(story()).build())
                .forEachRemaining(m -> {});
    }

    /** A chat completion over REST, in {@code trace}. */
    static void chat(Trace trace) throws Exception {
        String base =
                ConfigProvider.getConfig().getValue("test.url", String.class).replaceAll("/$", "");
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                                .header("content-type", "application/json")
                                .header("traceparent", trace.traceparent())
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories15m\",\"max_tokens\":4,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static Metadata headers(Trace trace) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), trace.traceparent());
        return headers;
    }

    /** One call each way in (gRPC unary, gRPC streamed, REST), each in a fresh trace of its own; returns the traces. */
    static java.util.List<Trace> eachWayIn(MeshClient client) throws Exception {
        client.awaitHealthy(java.util.List.of("stories15m"), Duration.ofSeconds(30));
        Trace unary = Trace.fresh();
        Trace streamed = Trace.fresh();
        Trace rest = Trace.fresh();
        generate(client, unary);
        generateStream(client, streamed);
        chat(rest);
        return java.util.List.of(unary, streamed, rest);
    }

    /** Waits up to 15 s for {@code condition} (spans are exported in batches). */
    static boolean within(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
