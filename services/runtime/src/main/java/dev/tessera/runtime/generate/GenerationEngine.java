package dev.tessera.runtime.generate;

import dev.tessera.runtime.error.ServiceException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs generations on a fixed set of worker threads, at most {@code maxConcurrent} at once. A generation that would
 * exceed the bound is refused at once with {@code RESOURCE_EXHAUSTED} rather than queued: a decode holds its slot for
 * seconds, so a queue would only turn overload into timeouts. Each generation can be cancelled; it then stops before
 * its next step and frees its KV cache.
 *
 * <p>Metrics, tagged by model: {@code tessera.generation.time_to_first_token}, {@code tessera.generation.duration}
 * (also by finish reason), {@code tessera.generation.tokens} (a counter, so its rate is tokens per second),
 * {@code tessera.generation.decode_rate} (tokens per second of each generation), the
 * {@code tessera.generation.inflight} gauge and {@code tessera.generation.rejected}.
 */
public final class GenerationEngine implements AutoCloseable {

    private final int maxConcurrent;
    private final Semaphore permits;
    private final ExecutorService workers;
    private final MeterRegistry meters;
    private final AtomicInteger inflight = new AtomicInteger();
    private final Counter rejected;

    public GenerationEngine(String name, int maxConcurrent, MeterRegistry meters) {
        if (maxConcurrent <= 0) {
            throw new IllegalArgumentException("max concurrent generations must be positive, got " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
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
        if (!permits.tryAcquire()) {
            rejected.increment();
            throw ServiceException.resourceExhausted(
                    "all " + maxConcurrent + " generation slots are busy; retry with backoff or scale out");
        }
        inflight.incrementAndGet();
        Running running = new Running();
        try {
            running.result = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            GenerationResult result = model.generate(prompt, params, onText, running::cancelled);
                            record(model.name(), result);
                            return result;
                        } catch (Exception e) {
                            throw e instanceof RuntimeException re ? re : new CompletionException(e);
                        } finally {
                            inflight.decrementAndGet();
                            permits.release();
                        }
                    },
                    workers);
        } catch (RuntimeException e) {
            inflight.decrementAndGet();
            permits.release();
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
