package dev.tessera.platform.usage;

/**
 * What one call consumed, in the units the orchestrator prices. Families fill the fields that apply to them and leave
 * the rest zero; the edge maps it onto {@code tessera.common.v1.Usage}.
 *
 * @param inputTokens tokens the model read
 * @param outputTokens tokens the model produced
 * @param items independent items processed
 * @param computeMillis this call's share of the model's wall-clock time
 * @param images images read or produced
 * @param pixels pixels read or produced
 */
public record Usage(long inputTokens, long outputTokens, long items, long computeMillis, long images, long pixels) {

    /** Usage of a call that read text and produced no tokens, such as an embedding. */
    public static Usage ofInput(long inputTokens, long items, long computeMillis) {
        return new Usage(inputTokens, 0, items, computeMillis, 0, 0);
    }

    /** Usage of a call that read and wrote text, such as a generation. */
    public static Usage ofText(long inputTokens, long outputTokens, long computeMillis) {
        return new Usage(inputTokens, outputTokens, 0, computeMillis, 0, 0);
    }
}
