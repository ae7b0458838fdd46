package dev.tessera.platform.grpc;

import dev.tessera.common.grpc.v1.RequestMetadata;
import dev.tessera.platform.error.ServiceException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * The one deadline rule of every family: a request is due by the earlier of its gRPC deadline and its
 * {@code metadata.deadline_unix_ms} (the orchestrator's deadline for the whole request, of which this call is one hop).
 * A request that arrives already past it gets {@code DEADLINE_EXCEEDED} before any work starts; work that runs past it
 * later is stopped by the family (in the batcher's queue, between decode steps).
 *
 * <p>Refusals at the door are counted in {@code tessera_deadline_exceeded_total{stage="before_start"}}, which exists
 * from startup on (the bean is created eagerly).
 */
@Singleton
@Startup
public class RequestDeadlines {

    private final Counter beforeStart;

    @Inject
    public RequestDeadlines(MeterRegistry meters) {
        this.beforeStart = Counter.builder("tessera.deadline.exceeded")
                .description("Requests refused because their deadline had passed before any work started")
                .tag("stage", "before_start")
                .register(meters);
    }

    /**
     * The deadline of the call being served, as a {@link System#nanoTime()} instant, or {@link Long#MAX_VALUE} when
     * neither the call nor its metadata sets one.
     *
     * @param field where the metadata sits in the request, such as {@code metadata} or {@code request.metadata}
     * @throws ServiceException {@code INVALID_ARGUMENT} for a negative {@code deadline_unix_ms};
     *     {@code DEADLINE_EXCEEDED} naming the field whose deadline has already passed
     */
    public long resolve(RequestMetadata metadata, String field) {
        try {
            return resolve(
                    Context.current().getDeadline(),
                    metadata.getDeadlineUnixMs(),
                    field + ".deadline_unix_ms",
                    System.nanoTime(),
                    System.currentTimeMillis());
        } catch (ServiceException e) {
            if (e.kind() == ServiceException.Kind.DEADLINE_EXCEEDED) {
                beforeStart.increment();
            }
            throw e;
        }
    }

    /** The rule itself, on explicit clocks, so it can be tested without waiting. */
    static long resolve(Deadline grpc, long unixMs, String unixField, long nowNanos, long nowMillis) {
        if (unixMs < 0) {
            throw ServiceException.invalidArgument(
                    unixField, "is " + unixMs + "; give Unix epoch milliseconds, or 0 for no deadline");
        }
        long due = Long.MAX_VALUE;
        if (grpc != null) {
            long left = grpc.timeRemaining(TimeUnit.NANOSECONDS);
            if (left <= 0) {
                throw ServiceException.deadlineExceeded("the call's gRPC deadline passed before any work started");
            }
            due = after(nowNanos, left);
        }
        if (unixMs > 0) {
            long leftMillis = unixMs - nowMillis;
            if (leftMillis <= 0) {
                throw ServiceException.deadlineExceeded(
                        unixField, "passed " + -leftMillis + " ms before the request arrived; no work was started");
            }
            due = Math.min(due, after(nowNanos, TimeUnit.MILLISECONDS.toNanos(leftMillis)));
        }
        return due;
    }

    /** {@code now + left}, held at {@link Long#MAX_VALUE} (no deadline) instead of overflowing for far-off ones. */
    private static long after(long nowNanos, long leftNanos) {
        long due = nowNanos + leftNanos;
        return due < nowNanos ? Long.MAX_VALUE : due;
    }
}
