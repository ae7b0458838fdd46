package dev.tessera.orchestrator.grpc;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.Embedding;
import dev.tessera.embedding.grpc.v1.ListModelsRequest;
import dev.tessera.embedding.grpc.v1.ListModelsResponse;
import dev.tessera.embedding.grpc.v1.ModelInfo;
import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.mapping.RequestMapper;
import dev.tessera.orchestrator.service.OrchestratorService;
import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/**
 * {@code tessera.embedding.v1.Embedding} on the orchestrator: a named model goes to its backend, an empty one (or
 * {@code auto}) to the cheapest healthy embedder. The receipt travels in the {@code tessera-receipt-bin} trailer.
 */
@GrpcService
public class EmbeddingProxy implements Embedding {

    private final FrontDoor door;
    private final OrchestratorService service;
    private final RequestMapper mapper;
    private final BackendRegistry backends;

    @Inject
    public EmbeddingProxy(FrontDoor door, OrchestratorService service, RequestMapper mapper, BackendRegistry backends) {
        this.door = door;
        this.service = service;
        this.mapper = mapper;
        this.backends = backends;
    }

    @Override
    public Uni<EmbedResponse> embed(EmbedRequest request) {
        return door.unary(request.getMetadata(), "", call -> {
            var routed = service.embed(call, request, mapper.demand(request, ""), mapper.routeOf(request.getModel()));
            FrontDoor.receipt(Context.current(), routed.receipt());
            return routed.answer();
        });
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
        for (Backend b : backends.all()) {
            if (b.spec().contract() != Contract.EMBEDDING) {
                continue;
            }
            out.addModels(ModelInfo.newBuilder()
                    .setName(b.name())
                    .setDimension(b.facts().dimension())
                    .setMaxTokens(b.facts().contextLength())
                    .setSource("routed by the orchestrator to "
                            + String.join(", ", b.spec().addresses())));
        }
        return Uni.createFrom().item(out.build());
    }
}
