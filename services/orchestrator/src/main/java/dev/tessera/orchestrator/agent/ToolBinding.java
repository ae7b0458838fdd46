package dev.tessera.orchestrator.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.orchestrator.ledger.Charge;
import dev.tessera.orchestrator.service.OrchestratorService;
import java.util.List;
import java.util.Optional;

/**
 * Binds one tool to what performs it. A family issue that adds a service adds its tool's binding as a CDI bean and
 * nothing else: the registry finds it, offers the tool once the binding says it can run, and the loop calls it.
 */
public interface ToolBinding {

    /** The tool's name, one of {@link ToolSpec#KNOWN}. */
    String tool();

    /** Why the tool cannot be offered now (its backend is not configured), or empty when it can. */
    Optional<String> unavailable();

    /** The most one call can cost, in micro-dollars: the run prices each step's worst case with it. */
    long worstCaseMicros();

    /**
     * Performs one call. A call the tool refuses (bad arguments, a backend that failed) is an error result the model
     * reads, not an exception: the run goes on and the model may correct itself.
     *
     * @param arguments the call's arguments, already valid against the tool's schema
     */
    Result call(JsonNode arguments, Context context);

    /**
     * Who a call is made for: the tenant (from the run's API key, never from the call's arguments), the run, and the
     * step, and the deadline and identity every backend call carries.
     */
    record Context(OrchestratorService.Call call, String runId, int step) {

        public String tenant() {
            return call.caller().tenant();
        }
    }

    /**
     * What a call returned.
     *
     * @param content the result as the model reads it
     * @param error whether the call failed
     * @param charges what it cost, one charge per backend called
     */
    record Result(String content, boolean error, List<Charge> charges) {

        public static Result ok(String content, List<Charge> charges) {
            return new Result(content, false, charges);
        }

        public static Result failed(String content) {
            return new Result(content, true, List.of());
        }
    }
}
