package dev.tessera.runtime.generate;

import java.util.List;

/**
 * One generation's settings, already validated at the edge.
 *
 * @param sampling how tokens are chosen
 * @param maxTokens the most tokens to generate; the context length may end it sooner
 * @param stop text sequences that end the generation, excluded from the output
 * @param deadlineNanos {@link System#nanoTime()} after which the generation stops, or {@link Long#MAX_VALUE}
 */
public record GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop, long deadlineNanos) {

    public GenerationParams {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        stop = List.copyOf(stop);
    }
}
