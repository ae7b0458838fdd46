package dev.tessera.llm;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.ask;
import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.longStory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import dev.tessera.textgen.service.TextGenerationService;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A unary call that carries no deadline gets tessera.textgen.unary-deadline: a client that walks away (which the
 * transport does not report for unary calls) cannot hold a generation slot to max_tokens.
 */
@QuarkusTest
@TestProfile(LlmUnaryDeadlineTest.ShortUnaryDeadline.class)
class LlmUnaryDeadlineTest extends ServiceContract {

    /** A unary deadline far shorter than a full-context generation. */
    public static class ShortUnaryDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.textgen.unary-deadline", "300ms");
        }
    }

    @Inject
    TextGenerationService service;

    @Test
    void a_unary_call_without_a_deadline_is_stopped_at_the_configured_one() throws Exception {
        assertFails(
                Status.Code.DEADLINE_EXCEEDED,
                "deadline",
                () -> TextGenerationGrpc.newBlockingStub(channel)
                        .generate(longStory(21).build()));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (service.inflight() != 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(service.inflight()).isZero();
        // a short answer still fits in it
        assertThat(TextGenerationGrpc.newBlockingStub(channel)
                        .generate(ask("Tom").setMaxTokens(4).build())
                        .getUsage()
                        .getOutputTokens())
                .isEqualTo(4);
    }
}
