package dev.tessera.orchestrator.service;

import io.grpc.Context;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;

/**
 * A call's gRPC context (its deadline and cancellation) and its trace context, taken together onto whichever thread
 * does the call's work: every backend call made there then stops when the client goes and carries the client's
 * trace (W3C {@code traceparent}) to the family service.
 *
 * @param grpc the call's gRPC context
 * @param trace the OpenTelemetry context current where the call came in
 */
public record CallScope(Context grpc, io.opentelemetry.context.Context trace) {

    /** The given gRPC context with the trace context current on this thread (the one the call came in on). */
    public static CallScope capture(Context grpc) {
        return new CallScope(grpc, io.opentelemetry.context.Context.current());
    }

    /** Runs {@code work} with both contexts attached to this thread, and detaches them after. */
    public <T> T run(Supplier<T> work) {
        Context previous = grpc.attach();
        try (Scope ignored = trace.makeCurrent()) {
            return work.get();
        } finally {
            grpc.detach(previous);
        }
    }
}
