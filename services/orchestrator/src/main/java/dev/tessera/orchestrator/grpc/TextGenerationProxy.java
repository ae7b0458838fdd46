package dev.tessera.orchestrator.grpc;

import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.mapping.RequestMapper;
import dev.tessera.orchestrator.service.OrchestratorService;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.ListModelsRequest;
import dev.tessera.textgen.grpc.v1.ListModelsResponse;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.TextGeneration;
import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/**
 * {@code tessera.textgen.v1.TextGeneration} on the orchestrator, so any text-generation client points at port 8080
 * unchanged: a request that names a backend goes to it, one with an empty model or {@code auto} is routed by the
 * default policy. The receipt travels in the {@code tessera-receipt-bin} trailer.
 */
@GrpcService
public class TextGenerationProxy implements TextGeneration {

    private final FrontDoor door;
    private final OrchestratorService service;
    private final RequestMapper mapper;
    private final BackendRegistry backends;

    @Inject
    public TextGenerationProxy(
            FrontDoor door, OrchestratorService service, RequestMapper mapper, BackendRegistry backends) {
        this.door = door;
        this.service = service;
        this.mapper = mapper;
        this.backends = backends;
    }

    @Override
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return door.unary(request.getMetadata(), "", call -> {
            GenerateRequest forwarded = mapper.forwarded(request, "");
            var routed =
                    service.generate(call, forwarded, mapper.demand(forwarded, ""), mapper.routeOf(request.getModel()));
            FrontDoor.receipt(Context.current(), routed.receipt());
            return routed.answer();
        });
    }

    @Override
    public Multi<GenerateStreamResponse> generateStream(GenerateStreamRequest request) {
        return door.stream(request.getRequest().getMetadata(), "request.", (call, out) -> {
            if (!request.hasRequest()) {
                throw ServiceException.invalidArgument("request", "is required");
            }
            GenerateRequest forwarded = mapper.forwarded(request.getRequest(), "request.");
            var routed = service.generateStream(
                    call,
                    forwarded,
                    mapper.demand(forwarded, "request."),
                    mapper.routeOf(request.getRequest().getModel()),
                    out);
            FrontDoor.receipt(Context.current(), routed.receipt());
            return routed.answer();
        });
    }

    /** Every text-generation backend, healthy or not (ListBackends on the routing contract says which). */
    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
        for (Backend b : backends.all()) {
            if (b.spec().contract() != Contract.TEXTGEN) {
                continue;
            }
            out.addModels(ModelInfo.newBuilder()
                    .setName(b.name())
                    .setContextLength(b.facts().contextLength())
                    .setSupportsTools(b.capabilities().contains(Capability.TOOLS))
                    .setDescription(b.spec().family() + " backend, quality tier "
                            + b.spec().qualityTier())
                    .setSource("routed by the orchestrator to "
                            + String.join(", ", b.spec().addresses())));
        }
        return Uni.createFrom().item(out.build());
    }
}
