package dev.tessera.textgen.decoding;

/**
 * What a generation produced and what it cost.
 *
 * @param text the generated text, stop sequence and stop token excluded
 * @param tokens the generated ids, in order (a stop token is not included)
 * @param finishReason why it ended
 * @param meanLogprob the mean natural-log probability of the generated tokens under the model, 0 when none
 * @param promptTokens tokens fed as the prompt, BOS included
 * @param computeNanos time spent running the model
 * @param firstTokenNanos time from the start of the generation to its first token, or -1 when it produced none
 * @param toolCall the tool the model called, or null when it answered in text
 */
public record GenerationResult(
        String text,
        int[] tokens,
        FinishReason finishReason,
        double meanLogprob,
        int promptTokens,
        long computeNanos,
        long firstTokenNanos,
        ToolCall toolCall) {

    /** Tokens generated. */
    public int completionTokens() {
        return tokens.length;
    }
}
