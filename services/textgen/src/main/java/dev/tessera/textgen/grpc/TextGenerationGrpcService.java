package dev.tessera.textgen.grpc;

import dev.tessera.platform.error.GrpcErrors;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.textgen.config.TextGenerationConfig;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.ListModelsRequest;
import dev.tessera.textgen.grpc.v1.ListModelsResponse;
import dev.tessera.textgen.grpc.v1.TextGeneration;
import dev.tessera.textgen.mapping.TextGenerationMapper;
import dev.tessera.textgen.service.Generation;
import dev.tessera.textgen.service.TextGenerationService;
import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionException;

/**
 * The {@code tessera.textgen.v1.TextGeneration} endpoint: it maps the request (checking it on the way), starts the
 * generation through {@link TextGenerationService} and maps the result back. It stays on the event loop, since it
 * only checks sizes and hands over: rendering and tokenizing the prompt, and the decode loop, run on the engine's
 * threads. Cancelling a call, streaming or unary, or its deadline passing, cancels the generation.
 */
@GrpcService
public class TextGenerationGrpcService implements TextGeneration {

    private final TextGenerationService service;
    private final TextGenerationMapper mapper;
    private final int streamBuffer;

    @Inject
    public TextGenerationGrpcService(
            TextGenerationService service, TextGenerationMapper mapper, TextGenerationConfig config) {
        this.service = service;
        this.mapper = mapper;
        // deltas never outnumber generated tokens, so this buffer cannot overflow however slowly the client reads
        this.streamBuffer = config.maxTokensLimit() + 2;
    }

    @Override
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        // the call's context (CallContextInterceptor): a unary Uni is never cancelled when its client goes away
        Context call = Context.current();
        return Uni.createFrom()
                .<GenerateResponse>emitter(emitter -> {
                    Generation generation = service.start(mapper.toUnaryCommand(request), text -> {});
                    emitter.onTermination(generation::cancel);
                    call.addListener(cancelled -> generation.cancel(), Runnable::run);
                    generation.result().whenComplete((result, failure) -> {
                        if (failure != null) {
                            emitter.fail(unwrap(failure));
                        } else {
                            emitter.complete(mapper.toResponse(generation, result));
                        }
                    });
                })
                .onFailure()
                .transform(GrpcErrors::toStatus);
    }

    @Override
    public Multi<GenerateStreamResponse> generateStream(GenerateStreamRequest request) {
        return Multi.createFrom()
                .<GenerateStreamResponse>emitter(
                        emitter -> {
                            if (!request.hasRequest()) {
                                throw ServiceException.invalidArgument("request", "is required");
                            }
                            Generation generation = service.start(
                                    mapper.toCommand(request.getRequest(), "request."),
                                    text -> emitter.emit(mapper.toDelta(text)));
                            emitter.onTermination(generation::cancel);
                            generation.result().whenComplete((result, failure) -> {
                                if (failure != null) {
                                    emitter.fail(unwrap(failure));
                                } else {
                                    emitter.emit(mapper.toLastDelta(generation, result));
                                    emitter.complete();
                                }
                            });
                        },
                        streamBuffer)
                .onFailure()
                .transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        return Uni.createFrom().item(() -> mapper.toResponse(service.models()));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
