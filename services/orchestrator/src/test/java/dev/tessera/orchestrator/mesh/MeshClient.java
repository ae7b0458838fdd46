package dev.tessera.orchestrator.mesh;

import dev.tessera.orchestrator.grpc.v1.AdminGrpc;
import dev.tessera.orchestrator.grpc.v1.Budget;
import dev.tessera.orchestrator.grpc.v1.ListBackendsRequest;
import dev.tessera.orchestrator.grpc.v1.ListBudgetsRequest;
import dev.tessera.orchestrator.grpc.v1.OrchestratorGrpc;
import dev.tessera.orchestrator.grpc.v1.Receipt;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.ConfigProvider;

/** A gRPC client of the orchestrator under test, as any outside client would be. */
public final class MeshClient implements AutoCloseable {

    /** The trailer the orchestrator puts the receipt in. */
    public static final Metadata.Key<Receipt> RECEIPT =
            Metadata.Key.of("tessera-receipt-bin", ProtoUtils.metadataMarshaller(Receipt.getDefaultInstance()));

    private final ManagedChannel channel;

    public MeshClient() {
        URI uri = URI.create(ConfigProvider.getConfig().getValue("test.url", String.class));
        channel = ManagedChannelBuilder.forAddress(uri.getHost(), uri.getPort())
                .usePlaintext()
                .build();
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** {@code stub} sending {@code authorization: Bearer key}. */
    public static <S extends AbstractStub<S>> S withKey(S stub, String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** {@code stub} whose calls leave their receipt trailer in {@code into}. */
    public static <S extends AbstractStub<S>> S capturingReceipt(S stub, AtomicReference<Receipt> into) {
        return stub.withInterceptors(new ClientInterceptor() {
            @Override
            public <Q, A> ClientCall<Q, A> interceptCall(
                    MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<A> listener, Metadata headers) {
                        super.start(
                                new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                    @Override
                                    public void onClose(Status status, Metadata trailers) {
                                        into.set(trailers.get(RECEIPT));
                                        super.onClose(status, trailers);
                                    }
                                },
                                headers);
                    }
                };
            }
        });
    }

    /** Waits until every backend is healthy: the orchestrator has probed the mesh. */
    public void awaitHealthy(Duration timeout) throws InterruptedException {
        awaitHealthy(null, timeout);
    }

    /** Waits until the backends {@code names} ({@code null}: all of them) are healthy. */
    public void awaitHealthy(java.util.List<String> names, Duration timeout) throws InterruptedException {
        var stub = OrchestratorGrpc.newBlockingStub(channel);
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            var backends =
                    stub.listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsList();
            if (backends.stream()
                    .filter(b -> names == null || names.contains(b.getName()))
                    .allMatch(b -> b.getHealthy())) {
                return;
            }
            last = backends.toString();
            Thread.sleep(200);
        }
        throw new IllegalStateException("backends not healthy after " + timeout + ": " + last);
    }

    /**
     * The tenant's budgets once no reservation is held. The orchestrator answers before its ledger closes the
     * request's reservation (the money stays held until the commit lands), and a client whose own deadline ended
     * the call hears nothing of the orchestrator's cleanup, so a test reads the ledger after it settles.
     */
    public static List<Budget> settledBudgets(AdminGrpc.AdminBlockingStub admin, String tenant) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<Budget> budgets = admin.listBudgets(
                            ListBudgetsRequest.newBuilder().setTenant(tenant).build())
                    .getBudgetsList();
            if (budgets.stream().allMatch(b -> b.getReservedMicros() == 0) || System.nanoTime() > end) {
                return budgets;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return budgets;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
