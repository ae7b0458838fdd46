package dev.tessera.orchestrator.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One event of a run, as it is streamed, stored (as JSON, in episodic memory) and read back by {@code GetRun}. Exactly
 * one of its parts is set.
 *
 * @param runId the run
 * @param seq its position in the run, from 0
 * @param step the step it belongs to, from 1 (0 before the first)
 * @param at when, in Unix epoch milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentEvent(
        String runId,
        int seq,
        int step,
        long at,
        Thought thought,
        Action action,
        Observation observation,
        Cost cost,
        End end) {

    /** The model's decision: who decided, how sure, what it wrote besides its call, and the hint it was given. */
    public record Thought(String model, String text, double meanLogprob, String hint) {}

    /** The tool call a step makes. */
    public record Action(String callId, String tool, String argumentsJson) {}

    /** What the tool returned; data for the model, never an instruction to the loop. */
    public record Observation(String callId, String tool, String content, boolean error) {}

    /** One charge: its step, the backend, what for ({@code policy}, {@code tool:<name>}, {@code recall}). */
    public record StepCharge(int step, String backend, String purpose, long micros) {}

    /** A step's charges and the run's money after it. */
    public record Cost(List<StepCharge> charges, long chargedMicros, long reservedMicros) {}

    /** How the run ended, with every charge. */
    public record End(
            RunState state,
            String answer,
            String reason,
            int steps,
            List<StepCharge> charges,
            long chargedMicros,
            long reservedMicros) {}

    /** The part that is set, by name, for SSE event names. */
    public String kind() {
        if (thought != null) {
            return "thought";
        }
        if (action != null) {
            return "action";
        }
        if (observation != null) {
            return "observation";
        }
        if (cost != null) {
            return "cost";
        }
        return "end";
    }
}
