package dev.tessera.orchestrator.backend;

import dev.tessera.orchestrator.pricing.Prices;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A backend as configured: the domain view of one {@code tessera.orchestrator.backends.<name>} block, checked.
 *
 * @param name what clients call it
 * @param family the family serving it
 * @param contract the contract that family speaks
 * @param model its name on the family service
 * @param addresses where the service is
 * @param capabilities what it can do
 * @param prices what it costs
 * @param qualityTier higher is better
 * @param maxConcurrency the bulkhead's limit
 * @param latencySlo the latency it should keep
 * @param timeout the longest one call may take
 * @param maxRetries retries on UNAVAILABLE
 * @param retryDelay the pause before a retry
 * @param breakerRequestVolume the circuit breaker's rolling window
 * @param breakerFailureRatio the share of failures that opens it
 * @param breakerDelay how long it stays open
 */
public record BackendSpec(
        String name,
        String family,
        Contract contract,
        String model,
        List<String> addresses,
        Set<Capability> capabilities,
        Prices prices,
        int qualityTier,
        int maxConcurrency,
        Duration latencySlo,
        Duration timeout,
        int maxRetries,
        Duration retryDelay,
        int breakerRequestVolume,
        double breakerFailureRatio,
        Duration breakerDelay) {

    /** The longest a request to it can take, retries included: what its reservation's lease must outlast. */
    public Duration longestCall() {
        return timeout.plus(retryDelay).multipliedBy(maxRetries + 1L);
    }
}
