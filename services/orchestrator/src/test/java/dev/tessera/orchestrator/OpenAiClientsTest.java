package dev.tessera.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.tessera.orchestrator.grpc.v1.AdminGrpc;
import dev.tessera.orchestrator.grpc.v1.CreateApiKeyRequest;
import dev.tessera.orchestrator.grpc.v1.CreateTenantRequest;
import dev.tessera.orchestrator.grpc.v1.Period;
import dev.tessera.orchestrator.grpc.v1.SetBudgetRequest;
import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.orchestrator.mesh.MeshResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The orchestrator's OpenAI REST API under OpenAI's official clients, unchanged. */
@QuarkusTest
@WithTestResource(value = MeshResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OpenAiClientsTest {

    static String baseUrl() {
        String url = ConfigProvider.getConfig().getValue("test.url", String.class);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** A key of a new tenant whose budget (1 micro-dollar) cannot cover any generation's worst case. */
    static String poorKey(MeshClient client) {
        var admin = MeshClient.withKey(AdminGrpc.newBlockingStub(client.channel()), "test-admin-key");
        String tenant = "poor-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        admin.setBudget(SetBudgetRequest.newBuilder()
                .setTenant(tenant)
                .setPeriod(Period.PERIOD_TOTAL)
                .setLimitMicros(1)
                .build());
        return admin.createApiKey(
                        CreateApiKeyRequest.newBuilder().setTenant(tenant).build())
                .getKey();
    }

    @Test
    void the_official_node_client_chats_streams_calls_tools_answers_json_and_embeds() throws Exception {
        JsonNode out;
        try (MeshClient client = new MeshClient()) {
            client.awaitHealthy(Duration.ofSeconds(30));
            out = NodeOpenAiClient.run("openai-client.mjs", List.of(baseUrl(), poorKey(client)));
        }

        assertThat(out.at("/chat/model").asText()).isEqualTo("stories15m");
        assertThat(out.at("/chat/text").asText()).startsWith(", there was a little girl");
        assertThat(out.at("/chat/finish").asText()).isEqualTo("length");
        assertThat(out.at("/chat/usage/completion_tokens").asInt()).isEqualTo(16);

        // auto routes to the cheapest story model; the deltas add up, and the usage chunk comes last
        assertThat(out.at("/stream/model").asText()).isEqualTo("stories15m-q8");
        assertThat(out.at("/stream/text").asText()).isNotBlank();
        assertThat(out.at("/stream/finish").asText()).isEqualTo("length");
        assertThat(out.at("/stream/usage/completion_tokens").asInt()).isEqualTo(16);
        assertThat(out.at("/stream/chunks").asInt()).isGreaterThan(3);

        assertThat(out.at("/tools/finish").asText()).isEqualTo("tool_calls");
        assertThat(out.at("/tools/name").asText()).isEqualTo("calculator");
        assertThat(out.at("/tools/args/expression").asText()).contains("12").contains("7");
        assertThat(out.at("/tools/second/finish").asText()).isIn("stop", "length", "tool_calls");

        assertThat(out.at("/json/name").isTextual()).isTrue();
        assertThat(out.at("/json/age").isIntegralNumber()).isTrue();

        // the Node client asks for base64 by default and decodes it: the same float32 values as the float form
        assertThat(out.at("/embeddings/count").asInt()).isEqualTo(2);
        assertThat(out.at("/embeddings/dim").asInt()).isEqualTo(384);
        for (int i = 0; i < 4; i++) {
            assertThat((float) out.at("/embeddings/head/" + i).asDouble())
                    .isEqualTo((float) out.at("/embeddingsFloat/" + i).asDouble());
        }
        assertThat(out.at("/embeddings/usage/prompt_tokens").asInt()).isPositive();

        assertThat(out.at("/notFound/status").asInt()).isEqualTo(404);
        assertThat(out.at("/notFound/code").asText()).isEqualTo("model_not_found");
        assertThat(out.at("/notFound/param").asText()).isEqualTo("model");
        assertThat(out.at("/quota/status").asInt()).isEqualTo(429);
        assertThat(out.at("/quota/code").asText()).isEqualTo("insufficient_quota");
        assertThat(out.at("/unauthorized/status").asInt()).isEqualTo(401);
        assertThat(out.at("/unauthorized/code").asText()).isEqualTo("invalid_api_key");
        assertThat(out.get("models").toString()).contains("\"auto\"", "\"stories15m\"", "\"e5-small-v2-q8\"");
    }

    private static OpenAiChatModel chatModel(String model) {
        return OpenAiChatModel.builder()
                .baseUrl(baseUrl() + "/v1")
                .apiKey("local-mode")
                .modelName(model)
                .temperature(0.0)
                .maxTokens(128)
                .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                .strictJsonSchema(true)
                .timeout(Duration.ofSeconds(60))
                .build();
    }

    @Test
    void langchain4j_openai_chats_streams_calls_tools_answers_json_and_embeds() throws Exception {
        try (MeshClient client = new MeshClient()) {
            client.awaitHealthy(Duration.ofSeconds(30));
        }
        ChatResponse story = chatModel("stories15m")
                .chat(ChatRequest.builder()
                        .messages(UserMessage.from("Once upon a time"))
                        .maxOutputTokens(16)
                        .build());
        assertThat(story.aiMessage().text()).startsWith(", there was a little girl");
        assertThat(story.metadata().modelName()).isEqualTo("stories15m");
        assertThat(story.metadata().tokenUsage().outputTokenCount()).isEqualTo(16);
        assertThat(story.metadata().finishReason()).isEqualTo(FinishReason.LENGTH);

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                .baseUrl(baseUrl() + "/v1")
                .apiKey("local-mode")
                .modelName("auto")
                .temperature(0.0)
                .maxTokens(16)
                .build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat("Once upon a time", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);
        assertThat(partial.toString())
                .isNotBlank()
                .isEqualTo(streamed.aiMessage().text());
        assertThat(streamed.metadata().modelName()).isEqualTo("stories15m-q8");

        ToolSpecification calculator = ToolSpecification.builder()
                .name("calculator")
                .description("evaluates an arithmetic expression")
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("expression")
                        .required("expression")
                        .build())
                .build();
        OpenAiChatModel tools = chatModel("tool-llm");
        UserMessage question = UserMessage.from("what is 12 times 7?");
        ChatResponse first = tools.chat(ChatRequest.builder()
                .messages(question)
                .toolSpecifications(calculator)
                .build());
        assertThat(first.aiMessage().hasToolExecutionRequests())
                .as(first.toString())
                .isTrue();
        ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
        assertThat(call.name()).isEqualTo("calculator");
        assertThat(new ObjectMapper()
                        .readTree(call.arguments())
                        .get("expression")
                        .asText())
                .contains("12")
                .contains("7");
        ChatResponse second = tools.chat(ChatRequest.builder()
                .messages(question, first.aiMessage(), ToolExecutionResultMessage.from(call, "84"))
                .toolSpecifications(calculator)
                .build());
        AiMessage answer = second.aiMessage();
        assertThat(answer.text() != null || answer.hasToolExecutionRequests()).isTrue();

        ChatResponse json = chatModel("stories15m")
                .chat(ChatRequest.builder()
                        .messages(UserMessage.from("Lily was five years old."))
                        .responseFormat(ResponseFormat.builder()
                                .type(ResponseFormatType.JSON)
                                .jsonSchema(JsonSchema.builder()
                                        .name("person")
                                        .rootElement(JsonObjectSchema.builder()
                                                .addStringProperty("name")
                                                .addIntegerProperty("age")
                                                .required("name", "age")
                                                .build())
                                        .build())
                                .build())
                        .build());
        var person = new ObjectMapper().readTree(json.aiMessage().text());
        assertThat(person.get("name").isTextual()).isTrue();
        assertThat(person.get("age").isIntegralNumber()).isTrue();

        OpenAiEmbeddingModel embedder = OpenAiEmbeddingModel.builder()
                .baseUrl(baseUrl() + "/v1")
                .apiKey("local-mode")
                .modelName("e5-small-v2-q8")
                .build();
        List<Embedding> vectors = embedder.embedAll(
                        List.of(TextSegment.from("how do plants make food"), TextSegment.from("photosynthesis")))
                .content();
        assertThat(vectors).hasSize(2).allMatch(v -> v.dimension() == 384);
    }
}
