package dev.tessera.orchestrator.ledger;

/**
 * Committed spend of one tenant on one model in one window.
 *
 * @param tenant the tenant
 * @param model the backend charged
 * @param periodStartMillis the window's start in Unix epoch milliseconds (the range's start for totals)
 * @param calls the charges counted
 * @param chargedMicros their sum
 */
public record SpendRow(String tenant, String model, long periodStartMillis, long calls, long chargedMicros) {}
