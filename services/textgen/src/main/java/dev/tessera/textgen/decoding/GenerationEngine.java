package dev.tessera.textgen.decoding;

import dev.tessera.platform.error.ServiceException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs generations, at most {@code maxConcurrent} at once: each prefills on a worker thread, then decodes either on
 * that thread alone or, with batching, as a row of its model's shared decode batch. A generation that would
 * exceed the bound is refused at once with {@code RESOURCE_EXHAUSTED} rather than queued: a decode holds its slot for
 * seconds, so a queue would only turn overload into timeouts. Each generation can be cancelled; it then stops before
 * its next step and frees its KV cache.
 *
 * <p>Metrics, tagged by model: {@code tessera.generation.time_to_first_token}, {@code tessera.generation.duration}
 * (also by finish reason), {@code tessera.generation.tokens} (a counter, so its rate is tokens per second),
 * {@code tessera.generation.decode_rate} (tokens per second of each generation),
 * {@code tessera.generation.batch_rows} (generations sharing each decode step, with batching), the
 * {@code tessera.generation.inflight} gauge and {@code tessera.generation.rejected}.
 */
public final class GenerationEngine implements AutoCloseable {

    private final int maxConcurrent;
    private final boolean batching;
    private final Semaphore permits;
    private final ExecutorService workers;
    private final MeterRegistry meters;
    private final AtomicInteger inflight = new AtomicInteger();
    private final Map<TextGenerationModel, BatchDecoder> batchers = new ConcurrentHashMap<>();
    private final Counter rejected;

    /**
     * @param name tags the metrics and names the threads
     * @param maxConcurrent generations at once
     * @param batching whether a model's concurrent generations share their decode steps (see {@link BatchDecoder});
     *     without it each generation decodes alone on its own thread
     */
    public GenerationEngine(String name, int maxConcurrent, boolean batching, MeterRegistry meters) {
        if (maxConcurrent <= 0) {
            throw new IllegalArgumentException("max concurrent generations must be positive, got " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
        this.batching = batching;
        this.permits = new Semaphore(maxConcurrent);
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(maxConcurrent, r -> {
            Thread t = new Thread(r, name + "-generate-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.meters = meters;
        Gauge.builder("tessera.generation.inflight", inflight, AtomicInteger::get)
                .description("Generations running now")
                .tag("service", name)
                .register(meters);
        this.rejected = Counter.builder("tessera.generation.rejected")
                .description("Generations refused because every slot was busy")
                .tag("service", name)
                .register(meters);
    }

    /** Generations running now. */
    public int inflight() {
        return inflight.get();
    }

    /**
     * Starts a generation on a worker.
     *
     * @throws ServiceException {@code RESOURCE_EXHAUSTED} when every slot is busy
     */
    public Running start(TextGenerationModel model, int[] prompt, GenerationParams params, Consumer<String> onText) {
        return start(model, () -> prompt, params, onText);
    }

    /**
     * Starts a generation whose prompt is built on the worker, so that rendering and tokenizing a long conversation
     * never runs on the caller's thread (a gRPC event loop); a failure to build it fails the result.
     *
     * @throws ServiceException {@code RESOURCE_EXHAUSTED} when every slot is busy
     */
    public Running start(
            TextGenerationModel model, Supplier<int[]> prompt, GenerationParams params, Consumer<String> onText) {
        if (!permits.tryAcquire()) {
            rejected.increment();
            throw ServiceException.resourceExhausted(
                    "all " + maxConcurrent + " generation slots are busy; retry with backoff or scale out");
        }
        inflight.incrementAndGet();
        Running running = new Running();
        CompletableFuture<GenerationResult> done = new CompletableFuture<>();
        running.result = done.whenComplete((result, failure) -> {
            try {
                if (result != null) {
                    record(model.name(), result);
                }
            } finally {
                // after the metrics, so that whoever sees the slot free also sees the generation counted
                inflight.decrementAndGet();
                permits.release();
            }
        });
        try {
            workers.execute(() -> {
                try {
                    int[] ids = prompt.get();
                    if (batching) {
                        model.generateBatched(ids, params, onText, running::cancelled, done, batcher(model));
                    } else {
                        done.complete(model.generate(ids, params, onText, running::cancelled));
                    }
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            throw ServiceException.unavailable("the generation workers are shut down");
        }
        return running;
    }

    /**
     * Registers a model's meters before its first request, so dashboards and alerts see them (at zero) as soon as the
     * model is ready.
     */
    public void register(String model) {
        timeToFirstToken(model);
        tokens(model);
        decodeRate(model);
        if (batching) {
            batchRows(model);
        }
    }

    private BatchDecoder batcher(TextGenerationModel model) {
        return batchers.computeIfAbsent(
                model, m -> new BatchDecoder(m.name(), m.decoder(), batchRows(m.name())::record));
    }

    private DistributionSummary batchRows(String model) {
        return DistributionSummary.builder("tessera.generation.batch_rows")
                .description("Generations sharing each decode step")
                .tag("model", model)
                .publishPercentileHistogram()
                .register(meters);
    }

    private Timer timeToFirstToken(String model) {
        return Timer.builder("tessera.generation.time_to_first_token")
                .description("From the start of a generation to its first token, prefill included")
                .tag("model", model)
                .publishPercentileHistogram()
                .register(meters);
    }

    private Counter tokens(String model) {
        return Counter.builder("tessera.generation.tokens")
                .description("Tokens generated; its rate is the service's tokens per second")
                .tag("model", model)
                .register(meters);
    }

    private DistributionSummary decodeRate(String model) {
        return DistributionSummary.builder("tessera.generation.decode_rate")
                .description("Tokens per second of model time, per generation")
                .baseUnit("tokens_per_second")
                .tag("model", model)
                .register(meters);
    }

    private void record(String model, GenerationResult result) {
        if (result.firstTokenNanos() >= 0) {
            timeToFirstToken(model).record(result.firstTokenNanos(), TimeUnit.NANOSECONDS);
        }
        Timer.builder("tessera.generation.duration")
                .description("Model time of a whole generation")
                .tag("model", model)
                .tag("finish_reason", result.finishReason().name().toLowerCase())
                .publishPercentileHistogram()
                .register(meters)
                .record(result.computeNanos(), TimeUnit.NANOSECONDS);
        tokens(model).increment(result.completionTokens());
        if (result.completionTokens() > 1 && result.computeNanos() > 0) {
            decodeRate(model).record(result.completionTokens() * 1e9 / result.computeNanos());
        }
    }

    /** Stops accepting work and waits briefly for running generations, which are cancelled. */
    @Override
    public void close() {
        batchers.values().forEach(BatchDecoder::close);
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A generation in flight. */
    public static final class Running {
        private volatile boolean cancelled;
        private CompletableFuture<GenerationResult> result;

        /** Asks the generation to stop before its next step; its result then ends with {@code CANCELLED}. */
        public void cancel() {
            cancelled = true;
        }

        boolean cancelled() {
            return cancelled || Thread.currentThread().isInterrupted();
        }

        /** Completes with the result, or with the failure that ended the generation. */
        public CompletableFuture<GenerationResult> result() {
            return result;
        }
    }
}
