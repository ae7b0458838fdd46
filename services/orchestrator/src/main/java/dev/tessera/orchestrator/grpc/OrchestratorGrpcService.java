package dev.tessera.orchestrator.grpc;

import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendHealth;
import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.grpc.v1.ListBackendsRequest;
import dev.tessera.orchestrator.grpc.v1.ListBackendsResponse;
import dev.tessera.orchestrator.grpc.v1.Orchestrator;
import dev.tessera.orchestrator.grpc.v1.Prices;
import dev.tessera.orchestrator.grpc.v1.RoutedEmbedRequest;
import dev.tessera.orchestrator.grpc.v1.RoutedEmbedResponse;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateRequest;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateResponse;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateStreamRequest;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateStreamResponse;
import dev.tessera.orchestrator.mapping.RequestMapper;
import dev.tessera.orchestrator.service.OrchestratorService;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import io.grpc.Context;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/**
 * {@code tessera.orchestrator.v1.Orchestrator}: the families' requests with routing instructions, answered with the
 * receipt in the response.
 */
@GrpcService
public class OrchestratorGrpcService implements Orchestrator {

    private final FrontDoor door;
    private final OrchestratorService service;
    private final RequestMapper mapper;
    private final BackendRegistry backends;

    @Inject
    public OrchestratorGrpcService(
            FrontDoor door, OrchestratorService service, RequestMapper mapper, BackendRegistry backends) {
        this.door = door;
        this.service = service;
        this.mapper = mapper;
        this.backends = backends;
    }

    @Override
    public Uni<RoutedGenerateResponse> generate(RoutedGenerateRequest request) {
        return door.unary(request.getRequest().getMetadata(), "request.", call -> {
            GenerateRequest forwarded =
                    mapper.forwarded(required(request.hasRequest(), request.getRequest()), "request.");
            var routed = service.generate(
                    call,
                    forwarded,
                    mapper.demand(forwarded, "request."),
                    mapper.routeOf(request.getRequest().getModel(), request.getRouting()));
            return RoutedGenerateResponse.newBuilder()
                    .setResponse(routed.answer())
                    .setReceipt(FrontDoor.receipt(Context.current(), routed.receipt()))
                    .build();
        });
    }

    @Override
    public Multi<RoutedGenerateStreamResponse> generateStream(RoutedGenerateStreamRequest request) {
        return door.<RoutedGenerateStreamResponse>stream(
                request.getRequest().getMetadata(), "request.", (call, out) -> {
                    GenerateRequest forwarded =
                            mapper.forwarded(required(request.hasRequest(), request.getRequest()), "request.");
                    var routed = service.generateStream(
                            call,
                            forwarded,
                            mapper.demand(forwarded, "request."),
                            mapper.routeOf(request.getRequest().getModel(), request.getRouting()),
                            chunk -> out.accept(RoutedGenerateStreamResponse.newBuilder()
                                    .setChunk(chunk)
                                    .build()));
                    return RoutedGenerateStreamResponse.newBuilder()
                            .setChunk(routed.answer())
                            .setReceipt(FrontDoor.receipt(Context.current(), routed.receipt()))
                            .build();
                });
    }

    @Override
    public Uni<RoutedEmbedResponse> embed(RoutedEmbedRequest request) {
        return door.unary(request.getRequest().getMetadata(), "request.", call -> {
            var embed = required(request.hasRequest(), request.getRequest());
            var routed = service.embed(
                    call,
                    embed,
                    mapper.demand(embed, "request."),
                    mapper.routeOf(embed.getModel(), request.getRouting()));
            return RoutedEmbedResponse.newBuilder()
                    .setResponse(routed.answer())
                    .setReceipt(FrontDoor.receipt(Context.current(), routed.receipt()))
                    .build();
        });
    }

    @Override
    public Uni<ListBackendsResponse> listBackends(ListBackendsRequest request) {
        ListBackendsResponse.Builder out = ListBackendsResponse.newBuilder();
        for (Backend b : backends.all()) {
            var spec = b.spec();
            var p = spec.prices();
            BackendHealth health = b.health();
            var backend = dev.tessera.orchestrator.grpc.v1.Backend.newBuilder()
                    .setName(spec.name())
                    .setFamily(spec.family())
                    .setModel(spec.model())
                    .addAllAddresses(spec.addresses())
                    .setPrices(Prices.newBuilder()
                            .setInputPer1KTokensMicros(p.inputPer1kTokens())
                            .setOutputPer1KTokensMicros(p.outputPer1kTokens())
                            .setPerItemMicros(p.perItem())
                            .setPerComputeSecondMicros(p.perComputeSecond())
                            .setPerImageMicros(p.perImage())
                            .setPerMegapixelMicros(p.perMegapixel()))
                    .setQualityTier(spec.qualityTier())
                    .setMaxConcurrency(spec.maxConcurrency())
                    .setLatencySloMs(
                            (int) Math.min(Integer.MAX_VALUE, spec.latencySlo().toMillis()))
                    .setHealthy(health.healthy())
                    .setHealthReason(health.reason());
            for (Capability c : Capability.values()) {
                if (spec.capabilities().contains(c)) {
                    backend.addCapabilities(c.configName());
                }
            }
            out.addBackends(backend);
        }
        return Uni.createFrom().item(out.build());
    }

    private static <T> T required(boolean present, T value) {
        if (!present) {
            throw ServiceException.invalidArgument("request", "is required");
        }
        return value;
    }
}
