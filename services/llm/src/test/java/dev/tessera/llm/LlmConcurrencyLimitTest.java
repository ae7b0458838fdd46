package dev.tessera.llm;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.ask;
import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.longStory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.Context;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Past the bound on concurrent generations the service refuses at once, and serves again when a slot frees. */
@QuarkusTest
@TestProfile(LlmConcurrencyLimitTest.OneSlot.class)
class LlmConcurrencyLimitTest extends ServiceContract {

    /** One generation at a time. */
    public static class OneSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.textgen.max-concurrent", "1");
        }
    }

    @Test
    void a_generation_past_the_bound_gets_resource_exhausted_at_once() throws Exception {
        TextGenerationGrpc.TextGenerationBlockingStub stub = TextGenerationGrpc.newBlockingStub(channel);
        Context.CancellableContext call = Context.current().withCancellation();
        Iterator<GenerateStreamResponse> running = call.call(() -> stub.generateStream(
                GenerateStreamRequest.newBuilder().setRequest(longStory(2)).build()));
        assertThat(running.next().getDelta()).isNotNull(); // the one slot is taken now

        long started = System.nanoTime();
        assertFails(
                Status.Code.RESOURCE_EXHAUSTED,
                "generation slots are busy",
                () -> stub.generate(ask("Tom").setMaxTokens(4).build()));
        assertThat((System.nanoTime() - started) / 1e6)
                .as("refused without waiting, ms")
                .isLessThan(1000);

        call.cancel(null);
        // the slot frees once the cancelled generation stops; then the service answers again
        long until = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                assertThat(stub.generate(ask("Tom").setMaxTokens(4).build())
                                .getUsage()
                                .getOutputTokens())
                        .isEqualTo(4);
                return;
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED || System.nanoTime() > until) {
                    throw e;
                }
            }
        }
    }
}
