package dev.tessera.orchestrator.grpc;

import dev.tessera.orchestrator.agent.AgentService;
import dev.tessera.orchestrator.grpc.v1.Agent;
import dev.tessera.orchestrator.grpc.v1.GetRunRequest;
import dev.tessera.orchestrator.grpc.v1.GetRunResponse;
import dev.tessera.orchestrator.grpc.v1.RunAgentRequest;
import dev.tessera.orchestrator.grpc.v1.RunEvent;
import dev.tessera.orchestrator.mapping.AgentMapper;
import dev.tessera.orchestrator.mapping.RequestMapper;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

/** {@code tessera.orchestrator.v1.Agent}: runs streamed as events, and their transcripts. */
@GrpcService
public class AgentGrpcService implements Agent {

    private final FrontDoor door;
    private final AgentService agent;
    private final RequestMapper mapper;

    @Inject
    public AgentGrpcService(FrontDoor door, AgentService agent, RequestMapper mapper) {
        this.door = door;
        this.agent = agent;
        this.mapper = mapper;
    }

    @Override
    public Multi<RunEvent> runAgent(RunAgentRequest request) {
        return door.events(request.getMetadata(), (call, out) -> {
            AgentService.Prepared run = agent.prepare(call, AgentMapper.request(request, mapper));
            agent.run(run, e -> out.accept(AgentMapper.event(e)));
        });
    }

    @Override
    public Uni<GetRunResponse> getRun(GetRunRequest request) {
        return door.unary(
                dev.tessera.common.grpc.v1.RequestMetadata.getDefaultInstance(),
                "",
                call -> AgentMapper.run(agent.get(call, request.getRunId())));
    }
}
