package dev.tessera.orchestrator.backend;

import io.grpc.StatusRuntimeException;

/**
 * A stream that failed after some of it was forwarded: it cannot be retried or moved to another backend (the client
 * has part of one answer), so it ends with the backend's status and is charged for what was streamed.
 */
public final class StreamCutException extends Exception {

    private final int forwarded;

    public StreamCutException(int forwarded, StatusRuntimeException cause) {
        super("the stream failed after " + forwarded + " messages: " + cause.getStatus(), cause);
        this.forwarded = forwarded;
    }

    /** Messages the client received before the failure. */
    public int forwarded() {
        return forwarded;
    }

    public StatusRuntimeException status() {
        return (StatusRuntimeException) getCause();
    }
}
