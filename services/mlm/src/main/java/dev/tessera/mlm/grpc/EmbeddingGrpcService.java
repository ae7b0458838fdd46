package dev.tessera.mlm.grpc;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.Embedding;
import dev.tessera.embedding.grpc.v1.ListModelsRequest;
import dev.tessera.embedding.grpc.v1.ListModelsResponse;
import dev.tessera.mlm.mapping.EmbeddingMapper;
import dev.tessera.mlm.service.EmbeddingService;
import dev.tessera.platform.error.GrpcErrors;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/**
 * The {@code tessera.embedding.v1.Embedding} endpoint: it maps the request (checking it on the way), hands it to
 * {@link EmbeddingService} and maps the answer back. It stays on the event loop, since it only checks sizes and
 * queues; tokenizing and inference happen on the model's batcher thread, which saves a thread hop per call.
 */
@GrpcService
public class EmbeddingGrpcService implements Embedding {

    private final EmbeddingService service;
    private final EmbeddingMapper mapper;

    @Inject
    public EmbeddingGrpcService(EmbeddingService service, EmbeddingMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    @Override
    public Uni<EmbedResponse> embed(EmbedRequest request) {
        return Uni.createFrom()
                .deferred(() -> Uni.createFrom().completionStage(service.embed(mapper.toCommand(request))))
                .map(mapper::toResponse)
                .onFailure()
                .transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        return Uni.createFrom().item(() -> mapper.toResponse(service.models()));
    }
}
