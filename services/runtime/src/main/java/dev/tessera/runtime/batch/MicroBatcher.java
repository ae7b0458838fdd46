package dev.tessera.runtime.batch;

import dev.tessera.platform.error.ServiceException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Dynamic micro-batching: items from concurrent requests are gathered into one padded model run, which is how a CPU or
 * GPU serves many small requests at the cost of a few large ones.
 *
 * <p>A worker takes whatever is queued, up to the maximum batch size. When recent batches held more than one item (the
 * service is under load) it waits up to the maximum queue delay, counted from the first item's arrival, for the batch
 * to fill; at low load it runs at once, so a lone caller never pays the delay. The queue is bounded: a submission that
 * does not fit is refused whole and at once with {@code RESOURCE_EXHAUSTED}, so memory stays bounded and no request is
 * half-accepted.
 *
 * @param <I> one item's prepared input
 * @param <O> one item's output
 */
public final class MicroBatcher<I, O> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MicroBatcher.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private record Pending<I, O>(
            I item, CompletableFuture<Batched<O>> future, long enqueuedNanos, long deadlineNanos) {}

    private final String name;
    private final BatchPolicy policy;
    private final BatchFunction<I, O> function;
    private final LinkedBlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    private final Semaphore capacity;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;
    private volatile double recentBatchSize = 1.0;

    private final Timer queueWait;
    private final Timer inference;
    private final DistributionSummary batchSize;
    private final Counter rejected;

    public MicroBatcher(String name, BatchPolicy policy, BatchFunction<I, O> function, MeterRegistry meters) {
        this.name = name;
        this.policy = policy;
        this.function = function;
        this.capacity = new Semaphore(policy.queueCapacity());
        Tags tags = Tags.of("model", name);
        this.queueWait = Timer.builder("tessera.batch.queue.wait")
                .description("Time an item waits before its batch starts")
                .tags(tags)
                .publishPercentileHistogram()
                .register(meters);
        this.inference = Timer.builder("tessera.inference.duration")
                .description("Time one model run takes, per batch")
                .tags(tags)
                .publishPercentileHistogram()
                .register(meters);
        this.batchSize = DistributionSummary.builder("tessera.batch.size")
                .description("Items per model run")
                .tags(tags)
                .publishPercentileHistogram()
                .maximumExpectedValue((double) policy.maxBatchSize())
                .register(meters);
        this.rejected = Counter.builder("tessera.batch.rejected")
                .description("Items refused because the queue was full")
                .tags(tags)
                .register(meters);
        Gauge.builder("tessera.batch.queue.depth", queue, LinkedBlockingQueue::size)
                .description("Items waiting for a batch; the signal to scale on")
                .tags(tags)
                .register(meters);
        Gauge.builder("tessera.inflight", inFlight, AtomicInteger::get)
                .description("Items accepted and not yet answered")
                .tags(tags)
                .register(meters);
        for (int i = 0; i < policy.workers(); i++) {
            Thread t = new Thread(this::work, "tessera-batcher-" + name + "-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
    }

    /**
     * Queues all items, or none: when the queue cannot take them all, nothing is queued and the call fails with
     * {@code RESOURCE_EXHAUSTED}.
     *
     * @param deadlineNanos {@link System#nanoTime()} after which an item is not worth running; {@link Long#MAX_VALUE}
     *     for none
     * @return one future per item, in item order
     */
    public List<CompletableFuture<Batched<O>>> submitAll(List<I> items, long deadlineNanos) {
        if (!running) {
            throw ServiceException.unavailable("model '" + name + "' is shutting down");
        }
        if (items.size() > policy.queueCapacity()) {
            throw ServiceException.resourceExhausted("request has " + items.size()
                    + " items, more than the queue of model '" + name + "' holds (" + policy.queueCapacity() + ")");
        }
        if (!capacity.tryAcquire(items.size())) {
            rejected.increment(items.size());
            throw ServiceException.resourceExhausted(
                    "the queue of model '" + name + "' is full (" + policy.queueCapacity() + " items); retry later");
        }
        long now = System.nanoTime();
        List<CompletableFuture<Batched<O>>> futures = new ArrayList<>(items.size());
        inFlight.addAndGet(items.size());
        for (I item : items) {
            CompletableFuture<Batched<O>> f = new CompletableFuture<>();
            f.whenComplete((v, e) -> inFlight.decrementAndGet());
            futures.add(f);
            queue.add(new Pending<>(item, f, now, deadlineNanos));
        }
        return futures;
    }

    /** Items waiting for a batch. */
    public int queueDepth() {
        return queue.size();
    }

    private void work() {
        List<Pending<I, O>> batch = new ArrayList<>(policy.maxBatchSize());
        while (running) {
            try {
                Pending<I, O> first = queue.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                fill(batch, first.enqueuedNanos());
                capacity.release(batch.size());
                recentBatchSize = 0.7 * recentBatchSize + 0.3 * batch.size();
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.errorf(e, "batcher of '%s' failed a batch", name);
                batch.forEach(p -> p.future().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void fill(List<Pending<I, O>> batch, long firstArrival) throws InterruptedException {
        int max = policy.maxBatchSize();
        queue.drainTo(batch, max - batch.size());
        long delay = policy.maxQueueDelay().toNanos();
        if (batch.size() >= max || delay == 0 || recentBatchSize < 1.5) {
            return;
        }
        long flushAt = firstArrival + delay;
        while (batch.size() < max) {
            long remaining = flushAt - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            Pending<I, O> next = queue.poll(remaining, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, max - batch.size());
        }
    }

    private void run(List<Pending<I, O>> batch) {
        long start = System.nanoTime();
        List<Pending<I, O>> live = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) {
            if (p.future().isDone()) {
                continue; // cancelled by the caller
            }
            if (start > p.deadlineNanos()) {
                p.future()
                        .completeExceptionally(ServiceException.deadlineExceeded(
                                "the deadline passed while the request waited in the queue of model '" + name + "'"));
                continue;
            }
            queueWait.record(start - p.enqueuedNanos(), TimeUnit.NANOSECONDS);
            live.add(p);
        }
        if (live.isEmpty()) {
            return;
        }
        List<O> outputs;
        try {
            outputs = function.apply(live.stream().map(Pending::item).toList());
            if (outputs.size() != live.size()) {
                throw new IllegalStateException(
                        "batch function returned " + outputs.size() + " outputs for " + live.size() + " inputs");
            }
        } catch (Exception e) {
            ServiceException failure = e instanceof ServiceException se
                    ? se
                    : ServiceException.internal("model '" + name + "' failed on a batch: " + e.getMessage(), e);
            live.forEach(p -> p.future().completeExceptionally(failure));
            return;
        }
        long took = System.nanoTime() - start;
        inference.record(took, TimeUnit.NANOSECONDS);
        batchSize.record(live.size());
        long share = took / live.size();
        for (int i = 0; i < live.size(); i++) {
            Pending<I, O> p = live.get(i);
            p.future().complete(new Batched<>(outputs.get(i), start - p.enqueuedNanos(), share, live.size()));
        }
    }

    /** Stops the workers and fails whatever is still queued with {@code UNAVAILABLE}. */
    @Override
    public void close() {
        running = false;
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Pending<I, O> p;
        while ((p = queue.poll()) != null) {
            p.future().completeExceptionally(ServiceException.unavailable("model '" + name + "' is shutting down"));
        }
    }
}
