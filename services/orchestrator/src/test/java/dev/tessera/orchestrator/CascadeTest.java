package dev.tessera.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.orchestrator.grpc.v1.Attempt;
import dev.tessera.orchestrator.grpc.v1.OrchestratorGrpc;
import dev.tessera.orchestrator.grpc.v1.Outcome;
import dev.tessera.orchestrator.grpc.v1.Policy;
import dev.tessera.orchestrator.grpc.v1.Receipt;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateRequest;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateStreamRequest;
import dev.tessera.orchestrator.grpc.v1.Routing;
import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.orchestrator.mesh.MeshResource;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.Tool;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cascade against the real tool-slm and tool-llm: accept the cheap answer when it is good, escalate when not. */
@QuarkusTest
@WithTestResource(value = MeshResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class CascadeTest {

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

    private static RoutedGenerateRequest cascade(String question, String schema) {
        return RoutedGenerateRequest.newBuilder()
                .setRequest(GenerateRequest.newBuilder()
                        .addMessages(
                                Message.newBuilder().setRole(Role.ROLE_USER).setContent(question))
                        .addTools(Tool.newBuilder()
                                .setName("calculator")
                                .setDescription("evaluates an arithmetic expression")
                                .setParametersJsonSchema(schema))
                        .setSampling(Sampling.newBuilder().setTemperature(0)))
                .setRouting(Routing.newBuilder().setPolicy(Policy.POLICY_CASCADE))
                .build();
    }

    @Test
    void a_valid_confident_cheap_answer_is_accepted_and_only_the_cheap_model_is_charged() {
        var routed = OrchestratorGrpc.newBlockingStub(client.channel())
                .generate(cascade("what is 12 times 7?", RoutingTest.CALC_SCHEMA));
        Receipt r = routed.getReceipt();
        assertThat(r.getPolicy()).isEqualTo(Policy.POLICY_CASCADE);
        Attempt first = r.getAttempts(0);
        assertThat(first.getBackend()).isEqualTo("tool-slm");
        assertThat(first.getOutcome()).as(first.getReason()).isEqualTo(Outcome.OUTCOME_ANSWERED);
        assertThat(routed.getResponse().getModel()).isEqualTo("tool-slm");
        assertThat(r.getAttemptsCount()).isEqualTo(1);
        assertThat(r.getChargedMicros()).isEqualTo(first.getChargedMicros());
        // both steps were reserved up front
        assertThat(r.getReservedMicros()).isGreaterThan(first.getChargedMicros());
    }

    @Test
    void an_unsure_cheap_answer_escalates_and_both_calls_are_charged() {
        // the forged models were trained to write the expression as a string; asked for a number, the cheap model's
        // constrained answer validates but it is unsure of it (its mean logprob falls far below the threshold)
        String numeric = "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"number\"}},"
                + "\"required\":[\"expression\"]}";
        var routed = OrchestratorGrpc.newBlockingStub(client.channel()).generate(cascade("what is 3 plus 4?", numeric));
        Receipt r = routed.getReceipt();
        assertThat(r.getAttempts(0).getBackend()).isEqualTo("tool-slm");
        assertThat(r.getAttempts(0).getOutcome()).isEqualTo(Outcome.OUTCOME_ESCALATED);
        assertThat(r.getAttempts(0).getReason()).startsWith("not accepted: mean logprob");
        assertThat(r.getAttempts(1).getBackend()).isEqualTo("tool-llm");
        assertThat(r.getAttempts(1).getOutcome()).isEqualTo(Outcome.OUTCOME_ANSWERED);
        assertThat(routed.getResponse().getModel()).isEqualTo("tool-llm");
        assertThat(r.getChargedMicros())
                .isEqualTo(
                        r.getAttempts(0).getChargedMicros() + r.getAttempts(1).getChargedMicros());
        assertThat(r.getAttempts(0).getChargedMicros()).isPositive();
    }

    @Test
    void the_cascade_does_not_stream() {
        var stream = OrchestratorGrpc.newBlockingStub(client.channel())
                .generateStream(RoutedGenerateStreamRequest.newBuilder()
                        .setRequest(cascade("what is 1 plus 1?", RoutingTest.CALC_SCHEMA)
                                .getRequest())
                        .setRouting(Routing.newBuilder().setPolicy(Policy.POLICY_CASCADE))
                        .build());
        dev.tessera.conformance.GrpcAssertions.assertFails(
                Status.Code.INVALID_ARGUMENT, "routing.policy", stream::hasNext);
    }
}
