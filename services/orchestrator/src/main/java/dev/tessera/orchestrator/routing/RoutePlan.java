package dev.tessera.orchestrator.routing;

import java.util.List;

/**
 * How a request will be served: the backends to call in order, those left out, and the money to hold first.
 *
 * @param policy the policy that made the plan (never AUTO)
 * @param candidates the backends to call: the first that answers is used (for the cascade, the cheap one first and
 *     the strong one when the cheap answer is not accepted)
 * @param skipped backends considered and left out
 * @param reserveMicros the worst case to reserve: the dearest candidate (only one answer is paid for), or for the
 *     cascade both steps
 * @param route for the semantic policy, the route chosen
 * @param routeSimilarity for the semantic policy, the request's similarity to that route
 */
public record RoutePlan(
        Policy policy,
        List<Candidate> candidates,
        List<Skipped> skipped,
        long reserveMicros,
        String route,
        double routeSimilarity) {

    public boolean cascade() {
        return policy == Policy.CASCADE;
    }
}
