package dev.tessera.llm;

import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.longStory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import dev.tessera.textgen.service.TextGenerationService;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Cancelling a call, streaming or unary, or letting its deadline pass, stops the decode loop and frees its slot. */
@QuarkusTest
class LlmCancellationTest extends ServiceContract {

    @Inject
    TextGenerationService service;

    @Inject
    MeterRegistry meters;

    private double cancelledGenerations() {
        var timer = meters.find("tessera.generation.duration")
                .tag("finish_reason", "cancelled")
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void cancelling_a_stream_stops_the_generation_and_in_flight_returns_to_zero() throws Exception {
        double before = cancelledGenerations();
        Context.CancellableContext call = Context.current().withCancellation();
        Iterator<GenerateStreamResponse> stream = call.call(() -> TextGenerationGrpc.newBlockingStub(channel)
                .generateStream(GenerateStreamRequest.newBuilder()
                        .setRequest(longStory(11))
                        .build()));
        for (int i = 0; i < 3; i++) {
            assertThat(stream.next().getDelta()).isNotNull();
        }
        assertThat(service.inflight()).isEqualTo(1);
        call.cancel(null);

        awaitNoneInFlight();
        assertThat(cancelledGenerations()).isEqualTo(before + 1);
    }

    @Test
    void cancelling_a_unary_call_without_a_deadline_stops_the_generation() throws Exception {
        double before = cancelledGenerations();
        var call =
                TextGenerationGrpc.newFutureStub(channel).generate(longStory(3).build());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (service.inflight() == 0 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(service.inflight()).isEqualTo(1);
        call.cancel(true);

        awaitNoneInFlight();
        assertThat(cancelledGenerations()).isEqualTo(before + 1);
    }

    @Test
    void a_passed_deadline_fails_the_call_and_stops_the_generation() throws Exception {
        double before = cancelledGenerations();
        assertThatThrownBy(() -> TextGenerationGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(150, TimeUnit.MILLISECONDS)
                        .generate(longStory(5).build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        awaitNoneInFlight();
        assertThat(cancelledGenerations()).isEqualTo(before + 1);
    }

    private void awaitNoneInFlight() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (service.inflight() != 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(service.inflight()).isZero();
    }
}
