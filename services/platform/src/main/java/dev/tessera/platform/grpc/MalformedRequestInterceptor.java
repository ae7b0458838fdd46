package dev.tessera.platform.grpc;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Answers a request body that is not a valid message with {@code INVALID_ARGUMENT}. When the bytes a client sent do
 * not parse (garbage, a truncated or badly compressed body, invalid UTF-8 in a string field), the transport drops the
 * message and the call ends with nothing to serve, which gRPC would report as {@code INTERNAL: Half-closed without a
 * request}: the client's mistake dressed as the server's. For calls whose client sends exactly one message, a call
 * that half-closes without one is answered here, naming the message type that was expected.
 */
@ApplicationScoped
@GlobalInterceptor
public class MalformedRequestInterceptor implements ServerInterceptor {

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        MethodDescriptor.MethodType type = call.getMethodDescriptor().getType();
        if (!type.clientSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            private boolean received;

            @Override
            public void onMessage(Q message) {
                received = true;
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (received) {
                    super.onHalfClose();
                    return;
                }
                call.close(
                        Status.INVALID_ARGUMENT.withDescription("the request body is not a valid "
                                + requestType(call.getMethodDescriptor())
                                + " message: it does not parse (garbled or truncated bytes, bad compression, or"
                                + " invalid UTF-8 in a string field), or it is missing"),
                        new Metadata());
            }
        };
    }

    private static String requestType(MethodDescriptor<?, ?> method) {
        if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                && proto.getMessagePrototype() instanceof Message message) {
            return message.getDescriptorForType().getFullName();
        }
        return method.getFullMethodName() + " request";
    }
}
