package dev.tessera.orchestrator.service;

import dev.tessera.platform.usage.Usage;

/**
 * One backend the router considered, for the receipt.
 *
 * @param backend its name
 * @param model its model
 * @param outcome what became of it
 * @param reason why it was chosen or left
 * @param chargedMicros what it was charged
 * @param usage what it reported consuming (zeros when not called or failed)
 * @param latencyNanos how long the call took (0 when skipped), exact for the latency metric
 */
public record Attempt(
        String backend,
        String model,
        Outcome outcome,
        String reason,
        long chargedMicros,
        Usage usage,
        long latencyNanos) {

    static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

    /** The latency in whole milliseconds, as receipts give it. */
    public long latencyMillis() {
        return latencyNanos / 1_000_000;
    }
}
