package dev.tessera.orchestrator.backend;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * How a failed backend call is read: whose fault it was, and whether another backend may succeed where it failed. A
 * client's mistake ({@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}, ...) is neither retried, nor moved to
 * another backend, nor counted against the backend's breaker.
 */
public final class BackendFailures {

    private BackendFailures() {}

    /** Retrying the same backend may help: it was unreachable or not ready. */
    public static boolean isUnavailable(Throwable t) {
        return t instanceof StatusRuntimeException e && e.getStatus().getCode() == Status.Code.UNAVAILABLE;
    }

    /** The backend's own fault: it counts toward opening its circuit breaker. */
    public static boolean isBackendFault(Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return switch (e.getStatus().getCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, DATA_LOSS -> true;
                default -> false;
            };
        }
        // a stream cut by its client (CANCELLED) is not the backend's fault
        return t instanceof StreamCutException cut && isBackendFault(cut.status());
    }

    /** Another candidate may serve the request: the failure was this backend's, or it was full or fenced off. */
    public static boolean fallsBack(Throwable t) {
        if (t instanceof BulkheadException || t instanceof CircuitBreakerOpenException) {
            return true;
        }
        if (t instanceof StatusRuntimeException e) {
            return switch (e.getStatus().getCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, UNKNOWN, DATA_LOSS, RESOURCE_EXHAUSTED -> true;
                default -> false;
            };
        }
        return false;
    }

    /** Whether a receipt's reason (from {@link #describe}) says the backend was full rather than broken. */
    public static boolean isFull(String reason) {
        return reason.equals(FULL) || reason.startsWith(Status.Code.RESOURCE_EXHAUSTED.name());
    }

    private static final String FULL = "at its concurrency limit";

    /** A short account of the failure for the receipt. */
    public static String describe(Throwable t) {
        if (t instanceof BulkheadException) {
            return FULL;
        }
        if (t instanceof CircuitBreakerOpenException) {
            return "circuit breaker open";
        }
        if (t instanceof StatusRuntimeException e) {
            Status s = e.getStatus();
            return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
        }
        if (t instanceof StreamCutException e) {
            return e.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
