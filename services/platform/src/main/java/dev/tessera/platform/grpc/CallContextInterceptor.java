package dev.tessera.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gives every call a {@link Context} that is cancelled when the client goes away (a reset stream, a cancelled call) or
 * the call ends, as grpc-java's own server does and Quarkus' Vert.x-based server does not. The server does tell
 * interceptors ({@code onCancel}), but a unary Mutiny method's {@code Uni} is never cancelled, so a unary generation
 * whose client left would otherwise run to {@code max_tokens}. A service method reads {@code Context.current()} while
 * it is called and adds a listener to stop its work.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallContextInterceptor implements ServerInterceptor {

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        Context.CancellableContext context = Context.current().withCancellation();
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, call, headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    context.cancel(null);
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    context.cancel(null);
                }
            }
        };
    }
}
