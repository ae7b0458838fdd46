package dev.tessera.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.platform.error.ServiceException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    private MicroBatcher<Integer, String> batcher;

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close();
        }
    }

    private MicroBatcher<Integer, String> batcher(BatchPolicy policy, BatchFunction<Integer, String> fn) {
        batcher = new MicroBatcher<>("test", policy, fn, meters);
        return batcher;
    }

    private BatchFunction<Integer, String> recording() {
        return items -> {
            batches.add(List.copyOf(items));
            return items.stream().map(i -> "v" + i).toList();
        };
    }

    @Test
    void answers_each_item_with_its_own_output_in_order() throws Exception {
        batcher(new BatchPolicy(8, Duration.ofMillis(5), 1000, 1), recording());
        List<CompletableFuture<Batched<String>>> futures = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            futures.addAll(batcher.submitAll(List.of(r * 3, r * 3 + 1, r * 3 + 2), Long.MAX_VALUE));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get(5, TimeUnit.SECONDS).value()).isEqualTo("v" + i);
        }
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(8));
    }

    @Test
    void gathers_queued_items_into_one_batch_up_to_the_maximum() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        batcher(new BatchPolicy(4, Duration.ZERO, 100, 1), items -> {
            batches.add(List.copyOf(items));
            started.countDown();
            release.await(5, TimeUnit.SECONDS);
            return items.stream().map(i -> "v" + i).toList();
        });
        List<CompletableFuture<Batched<String>>> first = batcher.submitAll(List.of(0), Long.MAX_VALUE);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        // while the worker is busy, ten items queue up
        List<CompletableFuture<Batched<String>>> rest =
                batcher.submitAll(IntStream.range(1, 11).boxed().toList(), Long.MAX_VALUE);
        release.countDown();
        CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(batches).containsExactly(List.of(0), List.of(1, 2, 3, 4), List.of(5, 6, 7, 8), List.of(9, 10));
        assertThat(rest.get(0).get().batchSize()).isEqualTo(4);
        assertThat(first.get(0).get().batchSize()).isEqualTo(1);
    }

    @Test
    void runs_a_lone_item_at_once_instead_of_waiting_out_the_delay() throws Exception {
        batcher(new BatchPolicy(32, Duration.ofSeconds(2), 100, 1), recording());
        long start = System.nanoTime();
        batcher.submitAll(List.of(1), Long.MAX_VALUE).get(0).get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void under_load_waits_up_to_the_delay_for_a_fuller_batch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        batcher(new BatchPolicy(4, Duration.ofMillis(300), 100, 1), items -> {
            if (items.contains(0)) {
                release.await(5, TimeUnit.SECONDS);
            }
            batches.add(List.copyOf(items));
            return items.stream().map(i -> "v" + i).toList();
        });
        // a full batch queued behind a busy worker teaches the batcher that it is under load
        batcher.submitAll(List.of(0), Long.MAX_VALUE);
        Thread.sleep(50);
        List<CompletableFuture<Batched<String>>> burst = batcher.submitAll(List.of(1, 2, 3, 4), Long.MAX_VALUE);
        release.countDown();
        assertThat(burst.get(0).get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(4);
        batches.clear();
        CompletableFuture<Batched<String>> a =
                batcher.submitAll(List.of(10), Long.MAX_VALUE).get(0);
        Thread.sleep(50);
        CompletableFuture<Batched<String>> b =
                batcher.submitAll(List.of(11), Long.MAX_VALUE).get(0);
        assertThat(a.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
        assertThat(b.get(5, TimeUnit.SECONDS).value()).isEqualTo("v11");
        assertThat(batches).containsExactly(List.of(10, 11));
        assertThat(a.get().queueNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
    }

    @Test
    void refuses_a_submission_that_does_not_fit_whole_and_at_once() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        batcher(new BatchPolicy(2, Duration.ZERO, 4, 1), items -> {
            release.await(5, TimeUnit.SECONDS);
            return items.stream().map(i -> "v" + i).toList();
        });
        List<CompletableFuture<Batched<String>>> running = batcher.submitAll(List.of(1), Long.MAX_VALUE);
        Thread.sleep(100); // the worker takes it and blocks, leaving the whole queue free
        List<CompletableFuture<Batched<String>>> queued = batcher.submitAll(List.of(3, 4, 5), Long.MAX_VALUE);
        long start = System.nanoTime();
        assertThatThrownBy(() -> batcher.submitAll(List.of(6, 7), Long.MAX_VALUE))
                .isInstanceOf(ServiceException.class)
                .satisfies(e ->
                        assertThat(((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.RESOURCE_EXHAUSTED))
                .hasMessageContaining("full");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
        assertThatThrownBy(() -> batcher.submitAll(List.of(1, 2, 3, 4, 5), Long.MAX_VALUE))
                .hasMessageContaining("more than the queue");
        assertThat(batcher.queueDepth()).isEqualTo(3);
        assertThat(meters.get("tessera.batch.rejected").counter().count()).isEqualTo(2.0);
        release.countDown();
        for (CompletableFuture<Batched<String>> f : queued) {
            assertThat(f.get(5, TimeUnit.SECONDS).value()).startsWith("v");
        }
        assertThat(running.get(0).get().value()).isEqualTo("v1");
    }

    @Test
    void fails_items_whose_deadline_passed_in_the_queue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        batcher(new BatchPolicy(1, Duration.ZERO, 10, 1), items -> {
            release.await(5, TimeUnit.SECONDS);
            return items.stream().map(i -> "v" + i).toList();
        });
        batcher.submitAll(List.of(1), Long.MAX_VALUE);
        Thread.sleep(50);
        CompletableFuture<Batched<String>> late = batcher.submitAll(
                        List.of(2), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10))
                .get(0);
        Thread.sleep(50);
        release.countDown();
        assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .satisfies(e ->
                        assertThat(((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.DEADLINE_EXCEEDED));
    }

    @Test
    void a_failing_model_run_fails_every_item_of_the_batch_and_the_next_batch_still_runs() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        batcher(new BatchPolicy(8, Duration.ZERO, 100, 1), items -> {
            if (items.contains(0)) {
                release.await(5, TimeUnit.SECONDS); // holds the worker while the next batch queues up
            }
            if (items.contains(-1)) {
                throw new IllegalStateException("boom");
            }
            return items.stream().map(i -> "v" + i).toList();
        });
        batcher.submitAll(List.of(0), Long.MAX_VALUE);
        Thread.sleep(50);
        List<CompletableFuture<Batched<String>>> bad = batcher.submitAll(List.of(-1, 5), Long.MAX_VALUE);
        release.countDown();
        for (CompletableFuture<Batched<String>> f : bad) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(ServiceException.class)
                    .hasMessageContaining("boom");
        }
        assertThat(batcher.submitAll(List.of(7), Long.MAX_VALUE)
                        .get(0)
                        .get(5, TimeUnit.SECONDS)
                        .value())
                .isEqualTo("v7");
    }

    @Test
    void records_batch_size_queue_wait_and_inference_time() throws Exception {
        batcher(new BatchPolicy(8, Duration.ZERO, 100, 1), recording());
        CompletableFuture.allOf(
                        batcher.submitAll(List.of(1, 2, 3), Long.MAX_VALUE).toArray(CompletableFuture[]::new))
                .get(5, TimeUnit.SECONDS);
        assertThat(meters.get("tessera.batch.size").summary().count()).isPositive();
        assertThat(meters.get("tessera.inference.duration").timer().count()).isPositive();
        assertThat(meters.get("tessera.batch.queue.wait").timer().count()).isEqualTo(3);
        // the gauge drops as each answer is delivered, which may trail the caller's wake-up by a moment
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (meters.get("tessera.inflight").gauge().value() > 0 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(meters.get("tessera.inflight").gauge().value()).isZero();
    }

    @Test
    void closing_fails_what_is_still_queued() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        batcher(new BatchPolicy(1, Duration.ZERO, 10, 1), items -> {
            release.await(200, TimeUnit.MILLISECONDS);
            return items.stream().map(i -> "v" + i).toList();
        });
        batcher.submitAll(List.of(1), Long.MAX_VALUE);
        Thread.sleep(50);
        CompletableFuture<Batched<String>> queued =
                batcher.submitAll(List.of(2), Long.MAX_VALUE).get(0);
        batcher.close();
        assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS)).cause().hasMessageContaining("shutting down");
        assertThatThrownBy(() -> batcher.submitAll(List.of(3), Long.MAX_VALUE)).hasMessageContaining("shutting down");
    }

    @Test
    void rejects_nonsensical_policies() {
        assertThatThrownBy(() -> new BatchPolicy(0, Duration.ZERO, 10, 1)).hasMessageContaining("max-batch-size");
        assertThatThrownBy(() -> new BatchPolicy(8, Duration.ZERO, 4, 1)).hasMessageContaining("queue-capacity");
        assertThatThrownBy(() -> new BatchPolicy(8, Duration.ofMillis(-1), 10, 1))
                .hasMessageContaining("max-queue-delay");
        assertThatThrownBy(() -> new BatchPolicy(8, Duration.ZERO, 10, 0)).hasMessageContaining("workers");
    }
}
