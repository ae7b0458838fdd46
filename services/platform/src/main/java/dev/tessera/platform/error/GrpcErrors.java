package dev.tessera.platform.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * The one place where failures become gRPC statuses, so that every endpoint answers the same code for the same fault
 * and an unexpected bug surfaces as {@code INTERNAL} with a log line instead of an opaque {@code UNKNOWN}. A bad field
 * also travels as a {@code google.rpc.BadRequest} field violation in the status details, so clients can point at the
 * field without parsing the message.
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    /** Maps any failure to a status exception that a Mutiny or plain gRPC endpoint can answer with. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (t instanceof StatusException se) {
            return se.getStatus().asRuntimeException(se.getTrailers());
        }
        if (t instanceof ServiceException se) {
            if (se.kind() == ServiceException.Kind.INTERNAL) {
                LOG.error(se.getMessage(), se.getCause() == null ? se : se.getCause());
            }
            if (se.kind() == ServiceException.Kind.INVALID_ARGUMENT && se.field() != null) {
                return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                        .setCode(Status.Code.INVALID_ARGUMENT.value())
                        .setMessage(se.getMessage())
                        .addDetails(Any.pack(BadRequest.newBuilder()
                                .addFieldViolations(BadRequest.FieldViolation.newBuilder()
                                        .setField(se.field())
                                        .setDescription(se.detail()))
                                .build()))
                        .build());
            }
            return codeOf(se.kind()).withDescription(se.getMessage()).asRuntimeException();
        }
        if (t instanceof CancellationException) {
            return Status.CANCELLED.withDescription("the call was cancelled").asRuntimeException();
        }
        LOG.error("unexpected failure while serving a call", t);
        return Status.INTERNAL
                .withDescription("internal error: " + t.getClass().getSimpleName())
                .asRuntimeException();
    }

    private static Status codeOf(ServiceException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
            case INTERNAL -> Status.INTERNAL;
        };
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
