package dev.tessera.orchestrator.ledger;

/**
 * What one backend's answer cost, in integer micro-dollars. A routed request commits one charge per backend that
 * answered (a cascade that escalated pays for both).
 *
 * @param model the backend charged
 * @param micros the cost, rounded up to a whole micro-dollar
 */
public record Charge(String model, long micros) {

    public Charge {
        if (micros < 0) {
            throw new IllegalArgumentException("a charge cannot be negative: " + micros);
        }
    }
}
