package dev.tessera.textgen.decoding;

import java.util.List;
import java.util.Objects;

/**
 * One generation's settings, already validated at the edge.
 *
 * @param sampling how tokens are chosen
 * @param maxTokens the most tokens to generate; the context length may end it sooner
 * @param stop text sequences that end the generation, excluded from the output (not applied to structured output,
 *     which a stop sequence would cut invalid)
 * @param deadlineNanos {@link System#nanoTime()} after which the generation stops, or {@link Long#MAX_VALUE}
 * @param format free text, schema-constrained JSON or a tool call
 */
public record GenerationParams(
        SamplingParams sampling, int maxTokens, List<String> stop, long deadlineNanos, OutputFormat format) {

    public GenerationParams {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
        }
        stop = List.copyOf(stop);
        Objects.requireNonNull(format, "format");
    }

    public GenerationParams(SamplingParams sampling, int maxTokens, List<String> stop, long deadlineNanos) {
        this(sampling, maxTokens, stop, deadlineNanos, OutputFormat.TEXT);
    }
}
