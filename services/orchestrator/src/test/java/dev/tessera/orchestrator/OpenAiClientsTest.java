package dev.tessera.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
}
