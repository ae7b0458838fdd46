package dev.tessera.orchestrator.routing;

import java.util.OptionalLong;

/**
 * What the caller asks of the router for one request.
 *
 * @param model the model named, or {@code ""} / {@code "auto"} to route
 * @param policy how to choose
 * @param maxCostMicros the most the request may cost, if limited
 * @param minQualityTier the lowest tier acceptable; 0 accepts any
 */
public record RouteRequest(String model, Policy policy, OptionalLong maxCostMicros, int minQualityTier) {

    /** Whether the request leaves the choice of model to the router. */
    public boolean routed() {
        return model.isEmpty() || model.equals("auto");
    }
}
