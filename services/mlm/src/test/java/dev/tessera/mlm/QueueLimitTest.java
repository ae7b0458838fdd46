package dev.tessera.mlm;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The bounded queue: overload is refused at once with RESOURCE_EXHAUSTED, and accepted work is never lost. */
@QuarkusTest
@TestProfile(QueueLimitTest.SmallQueue.class)
class QueueLimitTest extends ServiceContract {

    /** One model, and a queue that holds only two batches. */
    public static class SmallQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tessera.mlm.models", "e5-small-v2-q8",
                    "tessera.mlm.batching.max-batch-size", "16",
                    "tessera.mlm.batching.queue-capacity", "32");
        }
    }

    @Test
    void refuses_a_request_larger_than_the_whole_queue() {
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        assertFails(
                Status.Code.RESOURCE_EXHAUSTED,
                "more than the queue",
                () -> stub.embed(EmbedRequest.newBuilder()
                        .addAllInputs(Collections.nCopies(33, "x"))
                        .build()));
    }

    @Test
    void sheds_load_at_once_when_full_and_answers_every_accepted_request_whole() throws Exception {
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        String text = "a fairly long passage that keeps the model busy for a while ".repeat(12);
        ExecutorService pool = Executors.newFixedThreadPool(24);
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 48; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return stub.embed(EmbedRequest.newBuilder()
                                        .addAllInputs(Collections.nCopies(12, text))
                                        .build());
                            } catch (StatusRuntimeException e) {
                                return e.getStatus();
                            }
                        },
                        pool));
            }
            int ok = 0;
            int shed = 0;
            for (CompletableFuture<Object> call : calls) {
                Object result = call.get();
                if (result instanceof EmbedResponse r) {
                    assertThat(r.getEmbeddingsCount()).isEqualTo(12);
                    assertThat(r.getEmbeddingsList())
                            .allSatisfy(v -> assertThat(v.getValuesCount()).isEqualTo(384));
                    ok++;
                } else {
                    Status s = (Status) result;
                    assertThat(s.getCode()).as("%s", s).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(s.getDescription()).contains("queue").contains("full");
                    shed++;
                }
            }
            assertThat(ok).isPositive();
            assertThat(shed).isPositive();
        } finally {
            pool.shutdownNow();
        }
        // and it serves normally afterwards
        assertThat(stub.embed(EmbedRequest.newBuilder()
                                .addInputs("after the storm")
                                .build())
                        .getEmbeddingsCount())
                .isEqualTo(1);
    }
}
