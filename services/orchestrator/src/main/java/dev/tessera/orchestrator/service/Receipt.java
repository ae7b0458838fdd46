package dev.tessera.orchestrator.service;

import dev.tessera.orchestrator.routing.Policy;
import java.util.List;

/**
 * How a request was routed and what it cost: returned with every answer, and as the {@code tessera-receipt-bin}
 * trailer of plain family-contract calls.
 *
 * @param requestId the request's id, naming its ledger entries
 * @param tenant the tenant charged
 * @param policy the policy that routed it
 * @param route for semantic routing, the route chosen
 * @param routeSimilarity its similarity to the route's closest exemplar
 * @param attempts every backend considered, called ones first in the order called
 * @param reservedMicros the worst case held before the first call
 * @param chargedMicros the total charged
 */
public record Receipt(
        String requestId,
        String tenant,
        Policy policy,
        String route,
        double routeSimilarity,
        List<Attempt> attempts,
        long reservedMicros,
        long chargedMicros) {}
