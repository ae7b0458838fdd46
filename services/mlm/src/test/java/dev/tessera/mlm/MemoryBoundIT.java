package dev.tessera.mlm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The largest requests the service accepts do not grow it without bound. The packaged service, in its own process with
 * its production settings, gets eight inputs of 32,768 characters (the per-input limit; together the per-request
 * limit), truncated to the model's 512 tokens, from four callers at once, twelve times. Its resident memory (its own
 * {@code process_resident_memory_bytes}) after the burst must come back to within {@value #GROWTH_BOUND_MB} MB of where
 * it was after the first such request, and its peak must stay under {@value #PEAK_BOUND_MB} MB, the pod memory limit
 * the service's README states for its defaults.
 */
@QuarkusIntegrationTest
class MemoryBoundIT extends ServiceContract {

    static final int GROWTH_BOUND_MB = 256;
    static final int PEAK_BOUND_MB = 1536;

    @Test
    void a_burst_of_the_largest_accepted_requests_leaves_resident_memory_bounded() throws Exception {
        EmbeddingGrpc.EmbeddingBlockingStub stub =
                EmbeddingGrpc.newBlockingStub(channel).withDeadlineAfter(300, TimeUnit.SECONDS);
        EmbedRequest largest = largestRequest(new Random(3));
        assertThat(largest.getInputsList().stream().mapToInt(String::length).sum())
                .isEqualTo(262_144);
        stub.embed(largest); // the first large run sizes ONNX Runtime's buffers; that is the baseline
        long before = residentMb();
        long heapBefore = (long) (metric("jvm_memory_committed_bytes{area=\"heap\"") / (1 << 20));
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<EmbedResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(callers.submit(() -> stub.embed(largest)));
            }
            for (Future<EmbedResponse> call : calls) {
                EmbedResponse response = call.get(300, TimeUnit.SECONDS);
                assertThat(response.getEmbeddingsCount()).isEqualTo(8);
                assertThat(response.getUsage().getInputTokens()).isEqualTo(8 * 512);
            }
        } finally {
            callers.shutdownNow();
        }
        Thread.sleep(1000);
        long after = residentMb();
        long peak = (long) (metric("process_resident_memory_peak_bytes") / (1 << 20));
        long heapAfter = (long) (metric("jvm_memory_committed_bytes{area=\"heap\"") / (1 << 20));
        System.out.printf(
                "memory: resident %d MB before the burst, %d MB after (%+d MB), peak %d MB; Java heap committed %d MB"
                        + " before, %d MB after%n",
                before, after, after - before, peak, heapBefore, heapAfter);
        assertThat(after - before)
                .as("growth of resident memory over the burst, MB")
                .isLessThan(GROWTH_BOUND_MB);
        assertThat(peak).as("peak resident memory, MB").isLessThan(PEAK_BOUND_MB);
    }

    /** Eight inputs of 32,768 characters of varied words, asking for truncation at the model's limit. */
    static EmbedRequest largestRequest(Random random) {
        String[] words = {
            "river",
            "mountain",
            "quantum",
            "ledger",
            "orchard",
            "signal",
            "harbour",
            "lantern",
            "velvet",
            "cobalt",
            "meadow",
            "circuit",
            "pilgrim",
            "thunder",
            "saffron",
            "glacier"
        };
        EmbedRequest.Builder request =
                EmbedRequest.newBuilder().setModel("e5-small-v2-q8").setTruncate(true);
        for (int i = 0; i < 8; i++) {
            StringBuilder text = new StringBuilder(32768);
            while (text.length() < 32768) {
                text.append(words[random.nextInt(words.length)]).append(' ');
            }
            text.setLength(32768);
            request.addInputs(text.toString());
        }
        return request.build();
    }

    private long residentMb() throws Exception {
        return (long) (metric("process_resident_memory_bytes") / (1 << 20));
    }
}
