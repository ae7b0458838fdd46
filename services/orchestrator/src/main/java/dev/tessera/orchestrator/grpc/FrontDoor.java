package dev.tessera.orchestrator.grpc;

import dev.tessera.common.grpc.v1.RequestMetadata;
import dev.tessera.orchestrator.accounts.Authenticator;
import dev.tessera.orchestrator.accounts.Caller;
import dev.tessera.orchestrator.grpc.v1.Receipt;
import dev.tessera.orchestrator.mapping.ReceiptMapper;
import dev.tessera.orchestrator.service.CallScope;
import dev.tessera.orchestrator.service.OrchestratorService;
import dev.tessera.platform.error.GrpcErrors;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.platform.grpc.RequestDeadlines;
import io.grpc.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every orchestrator endpoint does before and after its own mapping: leave the event loop (the ledger and the
 * backend calls block), keep the call's gRPC and trace contexts on the worker (so its deadline, its cancellation and
 * its trace reach every outgoing call), authenticate, resolve the deadline by the platform's one rule, name the request, and put the
 * receipt in the trailers.
 */
@Singleton
public class FrontDoor {

    private final Authenticator authenticator;
    private final RequestDeadlines deadlines;
    private final Executor worker = Infrastructure.getDefaultWorkerPool();

    @Inject
    public FrontDoor(Authenticator authenticator, RequestDeadlines deadlines) {
        this.authenticator = authenticator;
        this.deadlines = deadlines;
    }

    /**
     * A unary routed call.
     *
     * @param prefix where the family request sits in the call: {@code ""} or {@code "request."}
     */
    public <T> Uni<T> unary(RequestMetadata metadata, String prefix, Function<OrchestratorService.Call, T> work) {
        Context context = Context.current();
        CallScope scope = CallScope.capture(context);
        return Uni.createFrom()
                .item(() -> scope.run(() -> work.apply(open(context, metadata, prefix))))
                .runSubscriptionOn(worker)
                .onFailure()
                .transform(t -> {
                    if (t instanceof OrchestratorService.ReceiptedFailure rf) {
                        receipt(context, rf.receipt());
                        return status(rf.getCause());
                    }
                    return status(t);
                });
    }

    /** A streamed routed call: {@code work} emits through the consumer and returns the last message. */
    public <T> Multi<T> stream(
            RequestMetadata metadata, String prefix, BiFunction<OrchestratorService.Call, Consumer<T>, T> work) {
        Context context = Context.current();
        CallScope scope = CallScope.capture(context);
        return Multi.createFrom()
                .<T>emitter(emitter -> worker.execute(() -> scope.run(() -> {
                    try {
                        T last = work.apply(open(context, metadata, prefix), emitter::emit);
                        emitter.emit(last);
                        emitter.complete();
                    } catch (Throwable t) {
                        if (t instanceof OrchestratorService.ReceiptedFailure rf) {
                            receipt(context, rf.receipt());
                            emitter.fail(status(rf.getCause()));
                        } else {
                            emitter.fail(status(t));
                        }
                    }
                    return null;
                })))
                .onFailure()
                .transform(FrontDoor::status);
    }

    /**
     * A streamed call whose work sends every message itself (an agent run's events). Once the client has gone, sending
     * throws, so that the work learns it between steps as well as through the call's cancelled context.
     */
    public <T> Multi<T> events(RequestMetadata metadata, BiConsumer<OrchestratorService.Call, Consumer<T>> work) {
        Context context = Context.current();
        CallScope scope = CallScope.capture(context);
        return Multi.createFrom()
                .<T>emitter(emitter -> worker.execute(() -> scope.run(() -> {
                    try {
                        work.accept(open(context, metadata, ""), m -> {
                            if (emitter.isCancelled()) {
                                throw new IllegalStateException("the client has gone");
                            }
                            emitter.emit(m);
                        });
                        emitter.complete();
                    } catch (Throwable t) {
                        emitter.fail(status(t));
                    }
                    return null;
                })))
                .onFailure()
                .transform(FrontDoor::status);
    }

    /** An Admin call: the admin key first. */
    public <T> Uni<T> admin(Supplier<T> work) {
        Context context = Context.current();
        CallScope scope = CallScope.capture(context);
        return Uni.createFrom()
                .item(() -> scope.run(() -> {
                    authenticator.requireAdmin(Optional.ofNullable(FrontDoorInterceptor.AUTH.get(context)));
                    return work.get();
                }))
                .runSubscriptionOn(worker)
                .onFailure()
                .transform(FrontDoor::status);
    }

    /** Sets the call's receipt trailer. */
    public static Receipt receipt(Context context, dev.tessera.orchestrator.service.Receipt receipt) {
        Receipt proto = ReceiptMapper.toProto(receipt);
        var slot = FrontDoorInterceptor.RECEIPT.get(context);
        if (slot != null) {
            slot.set(proto);
        }
        return proto;
    }

    private OrchestratorService.Call open(Context context, RequestMetadata metadata, String prefix) {
        long deadline = deadlines.resolve(metadata, prefix + "metadata");
        Caller caller = authenticator.caller(Optional.ofNullable(FrontDoorInterceptor.AUTH.get(context)));
        String id = metadata.getRequestId();
        if (id.length() > 128) {
            throw ServiceException.invalidArgument(prefix + "metadata.request_id", "is longer than 128 characters");
        }
        return new OrchestratorService.Call(
                caller, id.isEmpty() ? UUID.randomUUID().toString() : id, deadline, prefix + "model");
    }

    private static Throwable status(Throwable t) {
        return GrpcErrors.toStatus(t);
    }
}
