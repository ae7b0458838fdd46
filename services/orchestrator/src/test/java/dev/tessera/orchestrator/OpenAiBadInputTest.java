package dev.tessera.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.orchestrator.mesh.MeshResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed and refused REST requests: OpenAI's error shape, the status its clients expect, the field named. */
@QuarkusTest
@WithTestResource(value = MeshResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class OpenAiBadInputTest {

    @BeforeEach
    void healthy() throws InterruptedException {
        try (MeshClient client = new MeshClient()) {
            client.awaitHealthy(Duration.ofSeconds(30));
        }
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(OpenAiClientsTest.baseUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void refused(String path, String body, Map<String, String> headers, int status, String param)
            throws Exception {
        HttpResponse<String> r = post(path, body, headers);
        assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(status);
        JsonNode error = new ObjectMapper().readTree(r.body()).get("error");
        assertThat(error.get("message").asText()).isNotBlank();
        if (param != null) {
            assertThat(error.get("param").asText()).as(r.body()).isEqualTo(param);
        }
    }

    @Test
    void every_malformed_chat_request_is_a_400_naming_its_field() throws Exception {
        String chat = "/v1/chat/completions";
        Map<String, String> none = Map.of();
        refused(chat, "{not json", none, 400, "body");
        refused(chat, "", none, 400, "body");
        refused(chat, "[]", none, 400, "body");
        refused(chat, "{\"model\":\"auto\"}", none, 400, "messages");
        refused(
                chat,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"bot\",\"content\":\"hi\"}]}",
                none,
                400,
                "messages[0].role");
        refused(
                chat,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
                none,
                400,
                "messages[0].content[0].type");
        refused(
                chat,
                "{\"model\":\"auto\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                none,
                400,
                "n");
        refused(
                chat,
                "{\"model\":\"auto\",\"max_tokens\":100000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                none,
                400,
                "max_tokens");
        refused(
                chat,
                "{\"model\":\"auto\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                none,
                400,
                "temperature");
        refused(
                chat,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("x-tessera-max-cost-micros", "-3"),
                400,
                "x-tessera-max-cost-micros");
        refused(
                chat,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                Map.of("x-tessera-policy", "cheapest-ish"),
                400,
                "x-tessera-policy");
        refused(
                chat,
                "{\"model\":\"gpt-17\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                none,
                404,
                "model");
    }

    @Test
    void every_malformed_embeddings_request_is_a_400_naming_its_field() throws Exception {
        String embeddings = "/v1/embeddings";
        Map<String, String> none = Map.of();
        refused(embeddings, "{\"model\":\"auto\"}", none, 400, "input");
        refused(embeddings, "{\"model\":\"auto\",\"input\":[[1,2,3]]}", none, 400, "input[0]");
        refused(
                embeddings,
                "{\"model\":\"auto\",\"input\":\"x\",\"encoding_format\":\"hex\"}",
                none,
                400,
                "encoding_format");
        refused(
                embeddings,
                "{\"model\":\"e5-small-v2-q8\",\"input\":\"x\",\"dimensions\":128}",
                none,
                400,
                "dimensions");
        refused(embeddings, "{\"model\":\"stories15m\",\"input\":\"x\"}", none, 400, "model");
    }

    @Test
    void a_stream_a_budget_cannot_cover_is_refused_with_429_before_any_event() throws Exception {
        String key;
        try (MeshClient client = new MeshClient()) {
            key = OpenAiClientsTest.poorKey(client);
        }
        HttpResponse<String> r = post(
                "/v1/chat/completions",
                "{\"model\":\"auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Once upon\"}]}",
                Map.of("authorization", "Bearer " + key));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(new ObjectMapper().readTree(r.body()).at("/error/code").asText())
                .isEqualTo("insufficient_quota");

        HttpResponse<String> ok = post(
                "/v1/chat/completions",
                "{\"model\":\"auto\",\"stream\":true,\"max_tokens\":4,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon\"}]}",
                Map.of());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(ok.body()).startsWith("data: {").endsWith("data: [DONE]\n\n");
    }
}
