package dev.tessera.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The W3C trace context of a call, passed through unchanged to the calls it makes while this service records no
 * spans of its own (tracing off, the default): a client's trace then still joins up at the services further on that
 * do record. With tracing on, OpenTelemetry's own interceptor writes a {@code traceparent} of this service's span
 * first, and this one leaves it alone.
 *
 * <p>On the way in it keeps the {@code traceparent} and {@code tracestate} headers in the call's {@link Context}; on
 * the way out {@link TraceParentPassThrough} sends them on a call that has none.
 */
@ApplicationScoped
@GlobalInterceptor
public class TraceParent implements ServerInterceptor {

    static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TRACESTATE = Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String[]> INCOMING = Context.key("tessera-trace-context");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String parent = headers.get(TRACEPARENT);
        if (parent == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(within(Context.current(), parent, headers.get(TRACESTATE)), call, headers, next);
    }

    /**
     * {@code context} carrying a trace context that came in some other way (an HTTP request's headers).
     *
     * @param traceparent the {@code traceparent} header, or {@code null} when there was none
     * @param tracestate the {@code tracestate} header, or {@code null}
     */
    public static Context within(Context context, String traceparent, String tracestate) {
        if (traceparent == null || traceparent.isBlank()) {
            return context;
        }
        return context.withValue(INCOMING, new String[] {traceparent, tracestate});
    }

    /** The trace context the current call came in with, as {@code {traceparent, tracestate}}; {@code null} if none. */
    static String[] incoming() {
        return INCOMING.get();
    }
}
