package dev.tessera.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.orchestrator.grpc.v1.OrchestratorGrpc;
import dev.tessera.orchestrator.grpc.v1.Outcome;
import dev.tessera.orchestrator.grpc.v1.Policy;
import dev.tessera.orchestrator.grpc.v1.Receipt;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateRequest;
import dev.tessera.orchestrator.grpc.v1.Routing;
import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.orchestrator.mesh.MeshResource;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.Tool;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Semantic routing with the configured routes, against the real MLM (e5-small-v2-q8 embeds) and text models. The
 * prompts are not the routes' exemplars.
 */
@QuarkusTest
@WithTestResource(value = MeshResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SemanticRoutingTest {

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

    private Receipt route(String text, boolean tools) {
        GenerateRequest.Builder request = GenerateRequest.newBuilder()
                .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent(text))
                .setSampling(Sampling.newBuilder().setTemperature(0))
                .setMaxTokens(tools ? 96 : 12);
        if (tools) {
            request.addTools(Tool.newBuilder()
                    .setName("calculator")
                    .setDescription("evaluates an arithmetic expression")
                    .setParametersJsonSchema(RoutingTest.CALC_SCHEMA));
        }
        return OrchestratorGrpc.newBlockingStub(client.channel())
                .generate(RoutedGenerateRequest.newBuilder()
                        .setRequest(request)
                        .setRouting(Routing.newBuilder().setPolicy(Policy.POLICY_SEMANTIC))
                        .build())
                .getReceipt();
    }

    @Test
    void a_story_goes_to_the_story_route_and_the_embedding_is_charged_too() {
        Receipt r = route("Write me a story about a brave little mouse", false);
        assertThat(r.getPolicy()).isEqualTo(Policy.POLICY_SEMANTIC);
        assertThat(r.getRoute()).isEqualTo("stories");
        assertThat(r.getRouteSimilarity()).isGreaterThanOrEqualTo(0.82);
        assertThat(r.getAttempts(0).getBackend()).isEqualTo("e5-small-v2-q8");
        assertThat(r.getAttempts(1).getBackend()).isEqualTo("stories15m");
        assertThat(r.getAttempts(1).getOutcome()).isEqualTo(Outcome.OUTCOME_ANSWERED);
        assertThat(r.getChargedMicros())
                .isEqualTo(
                        r.getAttempts(0).getChargedMicros() + r.getAttempts(1).getChargedMicros());
    }

    @Test
    void arithmetic_with_a_calculator_goes_to_the_cascade() {
        Receipt r = route("how much is 23 times 4?", true);
        assertThat(r.getRoute()).as(r.toString()).isEqualTo("tools");
        assertThat(r.getAttempts(1).getBackend()).isEqualTo("tool-slm");
    }

    @Test
    void an_unrelated_request_takes_the_default_route() {
        Receipt r = route("The quarterly revenue figures are attached to the board memo.", false);
        assertThat(r.getRoute()).as(r.toString()).isEqualTo("stories");
        assertThat(r.getRouteSimilarity()).isLessThan(0.82);
    }
}
