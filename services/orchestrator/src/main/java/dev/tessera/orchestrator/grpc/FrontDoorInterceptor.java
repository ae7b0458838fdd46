package dev.tessera.orchestrator.grpc;

import dev.tessera.orchestrator.grpc.v1.Receipt;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the orchestrator's endpoints need from a call's headers and trailers: the {@code authorization} header, read
 * into the call's {@link Context}; and a slot for the receipt, sent as the {@code tessera-receipt-bin} trailer when
 * the call closes, so plain family-contract clients get the receipt without a contract change.
 */
@ApplicationScoped
@GlobalInterceptor
public class FrontDoorInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** The receipt trailer: a serialised {@code tessera.orchestrator.v1.Receipt}. */
    public static final Metadata.Key<Receipt> RECEIPT_TRAILER = Metadata.Key.of(
            "tessera-receipt" + Metadata.BINARY_HEADER_SUFFIX,
            ProtoUtils.metadataMarshaller(Receipt.getDefaultInstance()));

    static final Context.Key<String> AUTH = Context.key("tessera-authorization");
    static final Context.Key<AtomicReference<Receipt>> RECEIPT = Context.key("tessera-receipt");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        AtomicReference<Receipt> receipt = new AtomicReference<>();
        Context context =
                Context.current().withValue(AUTH, headers.get(AUTHORIZATION)).withValue(RECEIPT, receipt);
        ServerCall<Q, A> withTrailer = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Receipt r = receipt.get();
                if (r != null) {
                    trailers.put(RECEIPT_TRAILER, r);
                }
                super.close(status, trailers);
            }
        };
        return Contexts.interceptCall(context, withTrailer, headers, next);
    }
}
