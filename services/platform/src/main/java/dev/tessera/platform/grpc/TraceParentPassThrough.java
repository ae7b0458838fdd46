package dev.tessera.platform.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The client half of {@link TraceParent}: an outgoing call made while serving one sends on the trace context that
 * call came in with, unless something (OpenTelemetry's interceptor, with tracing on) already gave it one. Global for
 * Quarkus-managed clients; a service that builds its own channels puts it innermost in their interceptors.
 */
@ApplicationScoped
@GlobalInterceptor
public class TraceParentPassThrough implements ClientInterceptor {

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        String[] incoming = TraceParent.incoming();
        if (incoming == null) {
            return next.newCall(method, options);
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<A> listener, Metadata headers) {
                if (!headers.containsKey(TraceParent.TRACEPARENT)) {
                    headers.put(TraceParent.TRACEPARENT, incoming[0]);
                    if (incoming[1] != null) {
                        headers.put(TraceParent.TRACESTATE, incoming[1]);
                    }
                }
                super.start(listener, headers);
            }
        };
    }
}
