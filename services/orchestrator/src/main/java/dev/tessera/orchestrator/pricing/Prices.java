package dev.tessera.orchestrator.pricing;

import dev.tessera.platform.usage.Usage;

/**
 * A backend's price table in integer micro-dollars, and the arithmetic of a charge. Money is never a float: each rule
 * is computed exactly in integers and rounded up to a whole micro-dollar, so a charge is never below the price.
 *
 * @param inputPer1kTokens per 1,000 input tokens
 * @param outputPer1kTokens per 1,000 output tokens
 * @param perItem per item (one embedded input)
 * @param perComputeSecond per second of model compute
 * @param perImage per image read or produced
 * @param perMegapixel per million pixels read or produced
 */
public record Prices(
        long inputPer1kTokens,
        long outputPer1kTokens,
        long perItem,
        long perComputeSecond,
        long perImage,
        long perMegapixel) {

    public Prices {
        if (inputPer1kTokens < 0
                || outputPer1kTokens < 0
                || perItem < 0
                || perComputeSecond < 0
                || perImage < 0
                || perMegapixel < 0) {
            throw new IllegalArgumentException("prices cannot be negative");
        }
    }

    /** What a call that consumed {@code usage} costs. */
    public long cost(Usage usage) {
        return Math.addExact(
                Math.addExact(
                        per(usage.inputTokens(), inputPer1kTokens, 1_000),
                        per(usage.outputTokens(), outputPer1kTokens, 1_000)),
                Math.addExact(
                        Math.addExact(
                                Math.multiplyExact(usage.items(), perItem),
                                per(usage.computeMillis(), perComputeSecond, 1_000)),
                        Math.addExact(
                                Math.multiplyExact(usage.images(), perImage),
                                per(usage.pixels(), perMegapixel, 1_000_000))));
    }

    /**
     * The same cost before any rounding, in pico-dollars (millionths of a micro-dollar), for comparing backends: on
     * a small request two prices round up to the same micro-dollar, and the cheaper must still rank first. Saturates
     * at {@link Long#MAX_VALUE} rather than overflow.
     */
    public long exactPicos(Usage usage) {
        try {
            long sum = Math.multiplyExact(Math.multiplyExact(usage.inputTokens(), inputPer1kTokens), 1_000L);
            sum = Math.addExact(
                    sum, Math.multiplyExact(Math.multiplyExact(usage.outputTokens(), outputPer1kTokens), 1_000L));
            sum = Math.addExact(sum, Math.multiplyExact(Math.multiplyExact(usage.items(), perItem), 1_000_000L));
            sum = Math.addExact(
                    sum, Math.multiplyExact(Math.multiplyExact(usage.computeMillis(), perComputeSecond), 1_000L));
            sum = Math.addExact(sum, Math.multiplyExact(Math.multiplyExact(usage.images(), perImage), 1_000_000L));
            return Math.addExact(sum, Math.multiplyExact(usage.pixels(), perMegapixel));
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** {@code ceil(quantity * price / unit)}, exactly. */
    static long per(long quantity, long price, long unit) {
        if (quantity == 0 || price == 0) {
            return 0;
        }
        long product = Math.multiplyExact(quantity, price);
        return product / unit + (product % unit == 0 ? 0 : 1);
    }
}
