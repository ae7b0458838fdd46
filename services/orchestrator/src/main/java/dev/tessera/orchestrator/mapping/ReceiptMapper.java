package dev.tessera.orchestrator.mapping;

import dev.tessera.orchestrator.grpc.v1.Attempt;
import dev.tessera.orchestrator.grpc.v1.Outcome;
import dev.tessera.orchestrator.grpc.v1.Policy;
import dev.tessera.orchestrator.grpc.v1.Receipt;
import dev.tessera.platform.usage.UsageMapper;

/** Receipts onto {@code tessera.orchestrator.v1.Receipt}. */
public final class ReceiptMapper {

    private ReceiptMapper() {}

    public static Receipt toProto(dev.tessera.orchestrator.service.Receipt receipt) {
        Receipt.Builder out = Receipt.newBuilder()
                .setRequestId(receipt.requestId())
                .setTenant(receipt.tenant())
                .setPolicy(policy(receipt.policy()))
                .setRoute(receipt.route())
                .setRouteSimilarity(receipt.routeSimilarity())
                .setReservedMicros(receipt.reservedMicros())
                .setChargedMicros(receipt.chargedMicros());
        for (dev.tessera.orchestrator.service.Attempt a : receipt.attempts()) {
            out.addAttempts(Attempt.newBuilder()
                    .setBackend(a.backend())
                    .setModel(a.model())
                    .setOutcome(outcome(a.outcome()))
                    .setReason(a.reason())
                    .setChargedMicros(a.chargedMicros())
                    .setUsage(UsageMapper.toProto(a.usage()))
                    .setLatencyMs(a.latencyMillis()));
        }
        return out.build();
    }

    public static Policy policy(dev.tessera.orchestrator.routing.Policy policy) {
        return switch (policy) {
            case AUTO -> Policy.POLICY_UNSPECIFIED;
            case EXPLICIT -> Policy.POLICY_EXPLICIT;
            case CHEAPEST_CAPABLE -> Policy.POLICY_CHEAPEST_CAPABLE;
            case CASCADE -> Policy.POLICY_CASCADE;
            case SEMANTIC -> Policy.POLICY_SEMANTIC;
        };
    }

    private static Outcome outcome(dev.tessera.orchestrator.service.Outcome outcome) {
        return switch (outcome) {
            case ANSWERED -> Outcome.OUTCOME_ANSWERED;
            case ESCALATED -> Outcome.OUTCOME_ESCALATED;
            case FAILED -> Outcome.OUTCOME_FAILED;
            case SKIPPED -> Outcome.OUTCOME_SKIPPED;
        };
    }
}
