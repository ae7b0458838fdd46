package dev.tessera.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives every call the deadline its client sent. Quarkus' Vert.x-based gRPC server (HTTP and gRPC on one port) does
 * not turn the {@code grpc-timeout} header into an {@link io.grpc.Context} deadline as grpc-java's own server does, so
 * without this a service could not stop work its caller has already given up on. When a deadline is already set,
 * the call passes through unchanged.
 */
@ApplicationScoped
@GlobalInterceptor
public class GrpcTimeoutInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> GRPC_TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grpc-deadline-timer");
        t.setDaemon(true);
        return t;
    });

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (Context.current().getDeadline() != null) {
            return next.startCall(call, headers);
        }
        OptionalLong nanos = parse(headers.get(GRPC_TIMEOUT));
        if (nanos.isEmpty()) {
            return next.startCall(call, headers);
        }
        Context.CancellableContext context =
                Context.current().withDeadlineAfter(nanos.getAsLong(), TimeUnit.NANOSECONDS, TIMER);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /**
     * Parses a {@code grpc-timeout} value: up to 8 digits and a unit ({@code H}, {@code M}, {@code S}, {@code m},
     * {@code u}, {@code n}). Anything else is ignored, as the gRPC specification says a server may.
     */
    static OptionalLong parse(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return OptionalLong.empty();
        }
        long amount;
        try {
            amount = Long.parseLong(value.substring(0, value.length() - 1));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        if (amount < 0) {
            return OptionalLong.empty();
        }
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? OptionalLong.empty() : OptionalLong.of(unit.toNanos(amount));
    }
}
