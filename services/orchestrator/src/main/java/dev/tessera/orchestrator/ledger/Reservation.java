package dev.tessera.orchestrator.ledger;

import java.util.List;

/**
 * Money held for one request before any backend is called: its worst case, against every budget that applies to the
 * payer, until it is committed, released, or its lease expires.
 *
 * @param id the reservation's id, naming its ledger entries
 * @param requestId the request it pays for
 * @param payer who pays
 * @param amountMicros the worst case held
 * @param leaseUntilMillis when an orchestrator that never closed it (it crashed) lets it expire
 * @param windows the budget windows it holds money in; empty when no budget applies, and then nothing is written
 *     until the charge is committed
 */
public record Reservation(
        String id, String requestId, Payer payer, long amountMicros, long leaseUntilMillis, List<Window> windows) {

    /** One budget window holding part of the reservation (all of its amount: every applicable budget holds it). */
    public record Window(String budgetId, long windowStart) {}

    /** The same reservation once {@code micros} of it were charged: what it still holds. */
    public Reservation less(long micros) {
        if (micros < 0 || micros > amountMicros) {
            throw new IllegalArgumentException("cannot take " + micros + " of " + amountMicros);
        }
        return new Reservation(id, requestId, payer, amountMicros - micros, leaseUntilMillis, windows);
    }

    /** Whether the reservation exists in the database: only when a budget applies. */
    public boolean held() {
        return !windows.isEmpty();
    }
}
