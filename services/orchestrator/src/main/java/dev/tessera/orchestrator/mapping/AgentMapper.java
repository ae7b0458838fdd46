package dev.tessera.orchestrator.mapping;

import dev.tessera.orchestrator.agent.AgentEvent;
import dev.tessera.orchestrator.agent.AgentService;
import dev.tessera.orchestrator.grpc.v1.Action;
import dev.tessera.orchestrator.grpc.v1.Cost;
import dev.tessera.orchestrator.grpc.v1.GetRunResponse;
import dev.tessera.orchestrator.grpc.v1.Observation;
import dev.tessera.orchestrator.grpc.v1.RunAgentRequest;
import dev.tessera.orchestrator.grpc.v1.RunEnd;
import dev.tessera.orchestrator.grpc.v1.RunEvent;
import dev.tessera.orchestrator.grpc.v1.RunState;
import dev.tessera.orchestrator.grpc.v1.StepCharge;
import dev.tessera.orchestrator.grpc.v1.Thought;
import dev.tessera.orchestrator.memory.Memory;
import java.util.List;

/** The agent's contract (tessera.orchestrator.v1.Agent) to and from its domain types. */
public final class AgentMapper {

    private AgentMapper() {}

    public static AgentService.RunRequest request(RunAgentRequest r, RequestMapper mapper) {
        return new AgentService.RunRequest(
                r.getGoal(),
                List.copyOf(r.getToolsList()),
                r.getMaxSteps(),
                r.getBudgetMicros(),
                mapper.routeOf("", r.getRouting()),
                !r.hasRecallRecipes() || r.getRecallRecipes());
    }

    public static RunEvent event(AgentEvent e) {
        RunEvent.Builder b = RunEvent.newBuilder()
                .setRunId(e.runId())
                .setSeq(e.seq())
                .setStep(e.step())
                .setAtUnixMs(e.at());
        if (e.thought() != null) {
            b.setThought(Thought.newBuilder()
                    .setModel(e.thought().model())
                    .setText(e.thought().text())
                    .setMeanLogprob(e.thought().meanLogprob())
                    .setHint(e.thought().hint()));
        } else if (e.action() != null) {
            b.setAction(Action.newBuilder()
                    .setCallId(e.action().callId())
                    .setTool(e.action().tool())
                    .setArgumentsJson(e.action().argumentsJson()));
        } else if (e.observation() != null) {
            b.setObservation(Observation.newBuilder()
                    .setCallId(e.observation().callId())
                    .setTool(e.observation().tool())
                    .setContent(e.observation().content())
                    .setError(e.observation().error()));
        } else if (e.cost() != null) {
            b.setCost(Cost.newBuilder()
                    .addAllCharges(charges(e.cost().charges()))
                    .setChargedMicros(e.cost().chargedMicros())
                    .setReservedMicros(e.cost().reservedMicros()));
        } else if (e.end() != null) {
            b.setEnd(RunEnd.newBuilder()
                    .setState(state(e.end().state()))
                    .setAnswer(e.end().answer())
                    .setReason(e.end().reason())
                    .setSteps(e.end().steps())
                    .addAllCharges(charges(e.end().charges()))
                    .setChargedMicros(e.end().chargedMicros())
                    .setReservedMicros(e.end().reservedMicros()));
        }
        return b.build();
    }

    public static GetRunResponse run(Memory.StoredRun run) {
        GetRunResponse.Builder b = GetRunResponse.newBuilder()
                .setRunId(run.id())
                .setGoal(run.goal())
                .addAllTools(run.tools())
                .setMaxSteps(run.maxSteps())
                .setBudgetMicros(run.budgetMicros())
                .setState(state(dev.tessera.orchestrator.agent.RunState.valueOf(run.state())))
                .setCreatedUnixMs(run.createdAt());
        for (String json : run.events()) {
            b.addEvents(event(AgentService.parse(json)));
        }
        return b.build();
    }

    public static RunState state(dev.tessera.orchestrator.agent.RunState s) {
        return switch (s) {
            case RUNNING -> RunState.RUN_STATE_RUNNING;
            case SUCCEEDED -> RunState.RUN_STATE_SUCCEEDED;
            case STOPPED -> RunState.RUN_STATE_STOPPED;
            case CANCELLED -> RunState.RUN_STATE_CANCELLED;
            case FAILED -> RunState.RUN_STATE_FAILED;
        };
    }

    private static List<StepCharge> charges(List<AgentEvent.StepCharge> charges) {
        return charges.stream()
                .map(c -> StepCharge.newBuilder()
                        .setStep(c.step())
                        .setBackend(c.backend())
                        .setPurpose(c.purpose())
                        .setChargedMicros(c.micros())
                        .build())
                .toList();
    }
}
