package dev.tessera.orchestrator.ledger;

/**
 * A budget and where its current window stands.
 *
 * @param id the budget's id
 * @param tenant the tenant it limits
 * @param apiKeyId the key it limits, or {@code ""} for the whole tenant
 * @param period its window
 * @param limitMicros the most that may be spent in one window
 * @param spentMicros committed in the current window
 * @param reservedMicros held by calls in flight in the current window
 * @param windowStart the current window's start, in Unix epoch milliseconds (0 for {@link Period#TOTAL})
 */
public record BudgetState(
        String id,
        String tenant,
        String apiKeyId,
        Period period,
        long limitMicros,
        long spentMicros,
        long reservedMicros,
        long windowStart) {}
