package dev.tessera.platform.error;

import java.util.Objects;

/**
 * A failure that a caller can act on, carrying the gRPC-level {@link Kind} and the request field it is about. Domain
 * code throws it without knowing gRPC; {@link GrpcErrors} turns it into a {@code Status} at the edge.
 */
public final class ServiceException extends RuntimeException {

    /** What went wrong, in the vocabulary of gRPC status codes. */
    public enum Kind {
        INVALID_ARGUMENT,
        NOT_FOUND,
        ALREADY_EXISTS,
        UNAUTHENTICATED,
        PERMISSION_DENIED,
        RESOURCE_EXHAUSTED,
        FAILED_PRECONDITION,
        UNAVAILABLE,
        DEADLINE_EXCEEDED,
        INTERNAL
    }

    private final Kind kind;
    private final String field;
    private final String detail;

    private ServiceException(Kind kind, String field, String message, Throwable cause) {
        super(field == null ? message : field + ": " + message, cause);
        this.kind = Objects.requireNonNull(kind);
        this.field = field;
        this.detail = message;
    }

    public static ServiceException invalidArgument(String field, String message) {
        return new ServiceException(Kind.INVALID_ARGUMENT, field, message, null);
    }

    public static ServiceException notFound(String field, String message) {
        return new ServiceException(Kind.NOT_FOUND, field, message, null);
    }

    public static ServiceException alreadyExists(String field, String message) {
        return new ServiceException(Kind.ALREADY_EXISTS, field, message, null);
    }

    /** No valid credentials: a missing, unknown or revoked key. */
    public static ServiceException unauthenticated(String message) {
        return new ServiceException(Kind.UNAUTHENTICATED, null, message, null);
    }

    /** Valid credentials that do not allow this call, such as a tenant key on an admin call. */
    public static ServiceException permissionDenied(String message) {
        return new ServiceException(Kind.PERMISSION_DENIED, null, message, null);
    }

    public static ServiceException resourceExhausted(String message) {
        return new ServiceException(Kind.RESOURCE_EXHAUSTED, null, message, null);
    }

    /** A limit that {@code field} names ran out, such as a budget. */
    public static ServiceException resourceExhausted(String field, String message) {
        return new ServiceException(Kind.RESOURCE_EXHAUSTED, field, message, null);
    }

    public static ServiceException failedPrecondition(String field, String message) {
        return new ServiceException(Kind.FAILED_PRECONDITION, field, message, null);
    }

    public static ServiceException unavailable(String message) {
        return new ServiceException(Kind.UNAVAILABLE, null, message, null);
    }

    public static ServiceException deadlineExceeded(String message) {
        return new ServiceException(Kind.DEADLINE_EXCEEDED, null, message, null);
    }

    /** The deadline a request field set has passed. */
    public static ServiceException deadlineExceeded(String field, String message) {
        return new ServiceException(Kind.DEADLINE_EXCEEDED, field, message, null);
    }

    public static ServiceException internal(String message, Throwable cause) {
        return new ServiceException(Kind.INTERNAL, null, message, cause);
    }

    /**
     * The same failure, its field placed inside {@code parent}: domain types name their own fields ({@code top_p}),
     * and the edge says where they sit in the request ({@code request.sampling.top_p}).
     */
    public ServiceException nestedIn(String parent) {
        return new ServiceException(kind, field == null ? parent : parent + "." + field, detail, getCause());
    }

    /**
     * The same failure with the field {@code from} (or an element of it, {@code from[i]}) renamed {@code to}, for an
     * edge that feeds another edge's mapper: OIP's text tensor reuses the Embed mapper, whose {@code inputs[3]} is the
     * tensor's element 3.
     */
    public ServiceException renamedField(String from, String to) {
        if (field == null || !(field.equals(from) || field.startsWith(from + "["))) {
            return this;
        }
        return new ServiceException(kind, to + field.substring(from.length()), detail, getCause());
    }

    public Kind kind() {
        return kind;
    }

    /** The request field the failure is about, such as {@code inputs[3]}, or {@code null} when it is about none. */
    public String field() {
        return field;
    }

    /** What is wrong, without the field name in front. */
    public String detail() {
        return detail;
    }
}
