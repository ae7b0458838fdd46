package dev.tessera.orchestrator;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.common.grpc.v1.RequestMetadata;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.orchestrator.grpc.v1.Attempt;
import dev.tessera.orchestrator.grpc.v1.ListBackendsRequest;
import dev.tessera.orchestrator.grpc.v1.OrchestratorGrpc;
import dev.tessera.orchestrator.grpc.v1.Outcome;
import dev.tessera.orchestrator.grpc.v1.Policy;
import dev.tessera.orchestrator.grpc.v1.Receipt;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateRequest;
import dev.tessera.orchestrator.grpc.v1.Routing;
import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.orchestrator.mesh.MeshResource;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import dev.tessera.textgen.grpc.v1.Tool;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing through the front door, against the real MLM, LLM and SLM services run from their jars. */
@QuarkusTest
@WithTestResource(value = MeshResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class RoutingTest {

    static final String CALC_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}},\"required\":[\"expression\"]}";

    private MeshClient client;

    @BeforeEach
    void open() throws InterruptedException {
        client = new MeshClient();
        client.awaitHealthy(Duration.ofSeconds(30));
    }

    @AfterEach
    void close() throws InterruptedException {
        client.close();
    }

    static GenerateRequest story(String model, int maxTokens) {
        return GenerateRequest.newBuilder()
                .setModel(model)
                .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent("Once upon a time"))
                .setSampling(Sampling.newBuilder().setTemperature(0))
                .setMaxTokens(maxTokens)
                .build();
    }

    @Test
    void a_named_model_goes_to_its_backend_and_the_receipt_trailer_prices_its_usage() {
        AtomicReference<Receipt> receipt = new AtomicReference<>();
        GenerateResponse answer = MeshClient.capturingReceipt(
                        TextGenerationGrpc.newBlockingStub(client.channel()), receipt)
                .generate(story("stories15m", 16));

        assertThat(answer.getModel()).isEqualTo("stories15m");
        assertThat(answer.getText()).startsWith(", there was a little girl");
        Receipt r = receipt.get();
        assertThat(r.getPolicy()).isEqualTo(Policy.POLICY_EXPLICIT);
        assertThat(r.getTenant()).isEqualTo("local");
        Attempt a = r.getAttempts(0);
        assertThat(a.getBackend()).isEqualTo("stories15m");
        assertThat(a.getOutcome()).isEqualTo(Outcome.OUTCOME_ANSWERED);
        // stories15m: 20 micro-dollars per 1k input tokens, 80 per 1k output, each rule rounded up
        long expected = ceilDiv(answer.getUsage().getInputTokens() * 20, 1000)
                + ceilDiv(answer.getUsage().getOutputTokens() * 80, 1000);
        assertThat(a.getChargedMicros()).isEqualTo(expected).isPositive();
        assertThat(r.getChargedMicros()).isEqualTo(expected);
        assertThat(r.getReservedMicros()).isGreaterThanOrEqualTo(expected);
        assertThat(a.getUsage()).isEqualTo(answer.getUsage());
    }

    @Test
    void an_unnamed_generation_goes_to_the_cheapest_capable_model_and_a_quality_tier_moves_it_up() {
        var stub = OrchestratorGrpc.newBlockingStub(client.channel());
        var cheap = stub.generate(
                RoutedGenerateRequest.newBuilder().setRequest(story("", 8)).build());
        assertThat(cheap.getResponse().getModel()).isEqualTo("stories15m-q8");
        assertThat(cheap.getReceipt().getPolicy()).isEqualTo(Policy.POLICY_CHEAPEST_CAPABLE);
        assertThat(cheap.getReceipt().getAttempts(0).getReason()).startsWith("cheapest capable");
        assertThat(cheap.getReceipt().getAttemptsList())
                .filteredOn(a -> a.getOutcome() == Outcome.OUTCOME_SKIPPED)
                .extracting(Attempt::getBackend)
                .containsExactlyInAnyOrder("tool-llm", "tool-slm");

        var better = stub.generate(RoutedGenerateRequest.newBuilder()
                .setRequest(story("auto", 8))
                .setRouting(Routing.newBuilder().setMinQualityTier(2))
                .build());
        assertThat(better.getResponse().getModel()).isEqualTo("stories15m");
        assertThat(better.getReceipt().getAttemptsList())
                .anyMatch(a -> a.getBackend().equals("stories15m-q8")
                        && a.getOutcome() == Outcome.OUTCOME_SKIPPED
                        && a.getReason().contains("quality tier 1 below 2"));
    }

    @Test
    void a_request_with_tools_goes_to_the_cheapest_tool_model() {
        GenerateRequest request = GenerateRequest.newBuilder()
                .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent("what is 12 times 7?"))
                .addTools(Tool.newBuilder()
                        .setName("calculator")
                        .setDescription("evaluates arithmetic")
                        .setParametersJsonSchema(CALC_SCHEMA))
                .setSampling(Sampling.newBuilder().setTemperature(0))
                .build();
        AtomicReference<Receipt> receipt = new AtomicReference<>();
        GenerateResponse answer = MeshClient.capturingReceipt(
                        TextGenerationGrpc.newBlockingStub(client.channel()), receipt)
                .generate(request);
        assertThat(answer.getModel()).isEqualTo("tool-slm");
        assertThat(answer.getToolCallsList()).isNotEmpty();
        assertThat(receipt.get().getAttempts(0).getBackend()).isEqualTo("tool-slm");
    }

    @Test
    void embeddings_go_to_the_cheapest_embedder_unless_one_is_named() {
        AtomicReference<Receipt> receipt = new AtomicReference<>();
        var stub = MeshClient.capturingReceipt(EmbeddingGrpc.newBlockingStub(client.channel()), receipt);
        var routed = stub.embed(
                EmbedRequest.newBuilder().addInputs("how do plants make food").build());
        assertThat(routed.getModel()).isEqualTo("all-minilm-l6-v2-q8");
        assertThat(routed.getDimension()).isEqualTo(384);
        assertThat(receipt.get().getChargedMicros()).isPositive();

        var named = stub.embed(EmbedRequest.newBuilder()
                .setModel("e5-small-v2-q8")
                .addInputs("how do plants make food")
                .build());
        assertThat(named.getModel()).isEqualTo("e5-small-v2-q8");
        assertThat(receipt.get().getAttempts(0).getBackend()).isEqualTo("e5-small-v2-q8");
    }

    @Test
    void a_stream_through_the_front_door_equals_the_unary_answer_and_carries_the_receipt() {
        AtomicReference<Receipt> receipt = new AtomicReference<>();
        var stub = MeshClient.capturingReceipt(TextGenerationGrpc.newBlockingStub(client.channel()), receipt);
        String whole = stub.generate(story("stories15m-q8", 24)).getText();
        Iterator<GenerateStreamResponse> stream = stub.generateStream(GenerateStreamRequest.newBuilder()
                .setRequest(story("stories15m-q8", 24))
                .build());
        StringBuilder text = new StringBuilder();
        GenerateStreamResponse last = null;
        while (stream.hasNext()) {
            last = stream.next();
            text.append(last.getDelta());
        }
        assertThat(text.toString()).isEqualTo(whole);
        assertThat(last.getUsage().getOutputTokens()).isEqualTo(24);
        assertThat(receipt.get().getAttempts(0).getOutcome()).isEqualTo(Outcome.OUTCOME_ANSWERED);
        assertThat(receipt.get().getChargedMicros()).isPositive();
    }

    @Test
    void list_models_and_list_backends_name_every_backend_with_its_health() {
        var models = TextGenerationGrpc.newBlockingStub(client.channel())
                .listModels(dev.tessera.textgen.grpc.v1.ListModelsRequest.getDefaultInstance());
        assertThat(models.getModelsList())
                .extracting(m -> m.getName())
                .containsExactlyInAnyOrder("stories15m", "stories15m-q8", "tool-llm", "tool-slm");
        assertThat(models.getModelsList()).allMatch(m -> m.getContextLength() == 256);
        var backends = OrchestratorGrpc.newBlockingStub(client.channel())
                .listBackends(ListBackendsRequest.getDefaultInstance())
                .getBackendsList();
        assertThat(backends).hasSize(7).allMatch(b -> b.getHealthy());
        assertThat(backends)
                .filteredOn(b -> b.getName().equals("tool-llm"))
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.getCapabilitiesList()).containsExactly("tools", "json_schema");
                    assertThat(b.getPrices().getOutputPer1KTokensMicros()).isEqualTo(120);
                });
    }

    @Test
    void an_unknown_model_is_not_found_naming_the_field() {
        Status s = assertFails(
                Status.Code.NOT_FOUND,
                "model",
                () -> TextGenerationGrpc.newBlockingStub(client.channel()).generate(story("gpt-17", 4)));
        assertThat(s.getDescription()).contains("no model 'gpt-17'");
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "model",
                () -> TextGenerationGrpc.newBlockingStub(client.channel()).generate(story("e5-small-v2-q8", 4)));
    }

    @Test
    void bad_routing_is_refused_naming_the_field() {
        var stub = OrchestratorGrpc.newBlockingStub(client.channel());
        for (long cost : List.of(0L, -5L, 1_000_000_000_000L)) {
            assertFails(
                    Status.Code.INVALID_ARGUMENT,
                    "routing.max_cost_micros",
                    () -> stub.generate(RoutedGenerateRequest.newBuilder()
                            .setRequest(story("", 4))
                            .setRouting(Routing.newBuilder().setMaxCostMicros(cost))
                            .build()));
        }
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "routing.policy",
                () -> stub.generate(RoutedGenerateRequest.newBuilder()
                        .setRequest(story("", 4))
                        .setRouting(Routing.newBuilder().setPolicyValue(42))
                        .build()));
        assertFails(
                Status.Code.FAILED_PRECONDITION,
                "routing",
                () -> stub.generate(RoutedGenerateRequest.newBuilder()
                        .setRequest(story("", 200))
                        .setRouting(Routing.newBuilder().setMaxCostMicros(1))
                        .build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "request.max_tokens",
                () -> stub.generate(RoutedGenerateRequest.newBuilder()
                        .setRequest(story("", 100_000))
                        .build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "request.metadata.deadline_unix_ms",
                () -> stub.generate(RoutedGenerateRequest.newBuilder()
                        .setRequest(story("", 4).toBuilder()
                                .setMetadata(RequestMetadata.newBuilder().setDeadlineUnixMs(-1)))
                        .build()));
    }

    private static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }
}
