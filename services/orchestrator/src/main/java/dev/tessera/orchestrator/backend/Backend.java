package dev.tessera.orchestrator.backend;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.orchestrator.pricing.Prices;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One model the orchestrator routes to: what it can do and costs, where it is, whether it is healthy, and the calls
 * to it, each behind the backend's own guard (SmallRye Fault Tolerance): a bulkhead of {@code max-concurrency}, a
 * circuit breaker that counts only the backend's faults (never a client's bad request), and retries on
 * {@code UNAVAILABLE} only, each retry on the next address. The per-call timeout is a gRPC deadline, the earlier of the
 * backend's timeout and what is left of the client's: a deadline also stops the work on the backend, and, unlike an
 * interrupting timeout, leaves the calling thread fit for the ledger's commit that follows.
 */
public final class Backend {

    /** What a streamed call forwards its messages to. */
    @FunctionalInterface
    public interface StreamSink extends Consumer<GenerateStreamResponse> {}

    private final BackendSpec spec;
    private final List<Endpoint> endpoints;
    private final Guard guard;
    private final LatencyWindow latencies;
    private final AtomicInteger next = new AtomicInteger();
    private volatile CircuitBreakerState breaker = CircuitBreakerState.CLOSED;

    Backend(BackendSpec spec, List<Endpoint> endpoints, Duration latencyWindow) {
        this.spec = spec;
        this.endpoints = List.copyOf(endpoints);
        this.latencies = new LatencyWindow(latencyWindow.toNanos());
        this.guard = Guard.create()
                .withDescription("backend " + spec.name())
                .withBulkhead()
                .limit(spec.maxConcurrency())
                .done()
                .withCircuitBreaker()
                .requestVolumeThreshold(spec.breakerRequestVolume())
                .failureRatio(spec.breakerFailureRatio())
                .delay(spec.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                .when(BackendFailures::isBackendFault)
                .onStateChange(state -> breaker = state)
                .done()
                .withRetry()
                .maxRetries(spec.maxRetries())
                .delay(spec.retryDelay().toMillis(), ChronoUnit.MILLIS)
                .jitter(Math.max(1, spec.retryDelay().toMillis() / 2), ChronoUnit.MILLIS)
                .whenException(BackendFailures::isUnavailable)
                .done()
                .build();
    }

    public BackendSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public String model() {
        return spec.model();
    }

    public Prices prices() {
        return spec.prices();
    }

    public Set<Capability> capabilities() {
        return spec.capabilities();
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** Whether it can take a call now, and if not, why. */
    public BackendHealth health() {
        if (breaker == CircuitBreakerState.OPEN) {
            return new BackendHealth(false, "circuit breaker open after repeated failures");
        }
        for (Endpoint e : endpoints) {
            if (e.serves(spec.model())) {
                return new BackendHealth(true, "");
            }
        }
        StringBuilder why = new StringBuilder("not serving:");
        for (Endpoint e : endpoints) {
            why.append(' ').append(e.address()).append(" (").append(e.reason()).append(')');
        }
        return new BackendHealth(false, why.toString());
    }

    /** What the serving endpoints report about the model; zeros until one has been probed. */
    public ModelFacts facts() {
        for (Endpoint e : endpoints) {
            ModelFacts f = e.facts(spec.model());
            if (f != null) {
                return f;
            }
        }
        return new ModelFacts(0, 0);
    }

    /** The 95th percentile latency of recent calls, in milliseconds; -1 when there are too few to tell. */
    public long recentP95Millis() {
        return latencies.p95(System.nanoTime());
    }

    public GenerateResponse generate(GenerateRequest request, long deadlineNanos) throws Exception {
        GenerateRequest forwarded = request.toBuilder().setModel(spec.model()).build();
        return guarded(
                () -> timed(() -> TextGenerationGrpc.newBlockingStub(endpoint().calls())
                        .withDeadline(deadline(deadlineNanos))
                        .generate(forwarded)),
                GenerateResponse.class);
    }

    /**
     * Streams a generation into {@code sink}. The whole stream is one guarded call, so it holds a bulkhead slot for
     * its duration; it is retried on {@code UNAVAILABLE} only while nothing has been forwarded yet.
     *
     * @return the number of messages forwarded
     */
    public int generateStream(GenerateRequest request, long deadlineNanos, StreamSink sink) throws Exception {
        GenerateStreamRequest forwarded = GenerateStreamRequest.newBuilder()
                .setRequest(request.toBuilder().setModel(spec.model()))
                .build();
        AtomicInteger sent = new AtomicInteger();
        return guarded(
                () -> timed(() -> {
                    // its own context, cancelled on the way out: a stream abandoned midway (its client stopped
                    // reading) is cancelled on the backend too, not left to run to max_tokens
                    Context.CancellableContext scope = Context.current().withCancellation();
                    Context previous = scope.attach();
                    try {
                        Iterator<GenerateStreamResponse> stream = TextGenerationGrpc.newBlockingStub(
                                        endpoint().calls())
                                .withDeadline(deadline(deadlineNanos))
                                .generateStream(forwarded);
                        while (stream.hasNext()) {
                            GenerateStreamResponse message = stream.next();
                            try {
                                sink.accept(message);
                            } catch (RuntimeException clientGone) {
                                throw new StreamCutException(
                                        sent.get(),
                                        Status.CANCELLED
                                                .withDescription(
                                                        "the client stopped reading: " + clientGone.getMessage())
                                                .asRuntimeException());
                            }
                            sent.incrementAndGet();
                        }
                    } catch (StatusRuntimeException e) {
                        if (sent.get() > 0) {
                            throw new StreamCutException(sent.get(), e);
                        }
                        throw e;
                    } finally {
                        scope.detach(previous);
                        scope.cancel(null);
                    }
                    return sent.get();
                }),
                Integer.class);
    }

    public EmbedResponse embed(EmbedRequest request, long deadlineNanos) throws Exception {
        EmbedRequest forwarded = request.toBuilder().setModel(spec.model()).build();
        return guarded(
                () -> timed(() -> EmbeddingGrpc.newBlockingStub(endpoint().calls())
                        .withDeadline(deadline(deadlineNanos))
                        .embed(forwarded)),
                EmbedResponse.class);
    }

    private <T> T guarded(Callable<T> call, Class<T> type) throws Exception {
        return guard.call(call, type);
    }

    private <T> T timed(Callable<T> call) throws Exception {
        long start = System.nanoTime();
        T result = call.call();
        long end = System.nanoTime();
        latencies.record(end, TimeUnit.NANOSECONDS.toMillis(end - start));
        return result;
    }

    /** The next endpoint that serves the model, round-robin; UNAVAILABLE (retried) when none does. */
    private Endpoint endpoint() {
        int n = endpoints.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get((start + i) % n);
            if (e.serves(spec.model())) {
                return e;
            }
        }
        // none probed healthy: try the next in turn anyway, the probe may be behind
        Endpoint e = endpoints.get(start);
        if (e.channel().isShutdown()) {
            throw Status.UNAVAILABLE
                    .withDescription("backend " + spec.name() + " is shut down")
                    .asRuntimeException();
        }
        return e;
    }

    /** The earlier of the backend's timeout and the request's own deadline. */
    private Deadline deadline(long requestDeadlineNanos) {
        long timeout = spec.timeout().toNanos();
        long left = requestDeadlineNanos == Long.MAX_VALUE ? timeout : requestDeadlineNanos - System.nanoTime();
        return Deadline.after(Math.max(1, Math.min(timeout, left)), TimeUnit.NANOSECONDS);
    }
}
