package dev.tessera.mlm.grpc;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.Embedding;
import dev.tessera.embedding.grpc.v1.ListModelsRequest;
import dev.tessera.embedding.grpc.v1.ListModelsResponse;
import dev.tessera.mlm.config.EmbeddingConfig;
import dev.tessera.mlm.mapping.EmbeddingMapper;
import dev.tessera.mlm.service.EmbeddingService;
import dev.tessera.runtime.error.GrpcErrors;
import dev.tessera.runtime.error.ServiceException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/**
 * The {@code tessera.embedding.v1.Embedding} endpoint: it validates the request, maps it, hands it to
 * {@link EmbeddingService} and maps the answer back. It stays on the event loop, since it only checks sizes and
 * queues; tokenizing and inference happen on the model's batcher thread, which saves a thread hop per call.
 */
@GrpcService
public class EmbeddingGrpcService implements Embedding {

    private final EmbeddingService service;
    private final EmbeddingConfig config;

    @Inject
    public EmbeddingGrpcService(EmbeddingService service, EmbeddingConfig config) {
        this.service = service;
        this.config = config;
    }

    @Override
    public Uni<EmbedResponse> embed(EmbedRequest request) {
        return Uni.createFrom()
                .deferred(() -> {
                    validate(request);
                    return Uni.createFrom().completionStage(service.embed(EmbeddingMapper.toCommand(request)));
                })
                .map(EmbeddingMapper::toResponse)
                .onFailure()
                .transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        return Uni.createFrom().item(() -> EmbeddingMapper.toResponse(service.models()));
    }

    private void validate(EmbedRequest request) {
        int count = request.getInputsCount();
        if (count == 0) {
            throw ServiceException.invalidArgument("inputs", "at least one input is required");
        }
        if (count > config.maxInputs()) {
            throw ServiceException.invalidArgument(
                    "inputs", "has " + count + " entries; the limit is " + config.maxInputs() + " per request");
        }
        for (int i = 0; i < count; i++) {
            String input = request.getInputs(i);
            if (input.isBlank()) {
                throw ServiceException.invalidArgument("inputs[" + i + "]", "must not be empty");
            }
            if (input.length() > config.maxInputChars()) {
                throw ServiceException.invalidArgument(
                        "inputs[" + i + "]",
                        "has " + input.length() + " characters; the limit is " + config.maxInputChars());
            }
        }
    }
}
