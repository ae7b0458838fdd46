package dev.tessera.textgen.decoding;

import dev.tessera.textgen.decoding.schema.JsonConstraint;

/**
 * What shape a generation's output must take. Free text by default; with a response schema the text is JSON valid
 * under it; with tools the model may (or, when required, must) answer with one call whose arguments are valid under
 * the called tool's schema. Every token is masked to keep the output valid, so validity never depends on the model.
 *
 * @param response the schema the text must follow, or null for free text
 * @param toolCalls the union of the offered tools, or null when none are offered
 * @param toolChoice whether the model may, must or must not call a tool
 */
public record OutputFormat(JsonConstraint response, JsonConstraint toolCalls, ToolChoice toolChoice) {

    /** Unconstrained text. */
    public static final OutputFormat TEXT = new OutputFormat(null, null, ToolChoice.NONE);

    public OutputFormat {
        if (toolCalls == null && toolChoice == ToolChoice.REQUIRED) {
            throw new IllegalArgumentException("a required tool call needs tools");
        }
    }

    /** Whether any constraint applies. */
    public boolean constrained() {
        return response != null || (toolCalls != null && toolChoice != ToolChoice.NONE);
    }

    /** The fewest tokens a valid answer can take; a budget below it cannot produce valid output. */
    public int minTokens() {
        int tool = toolCalls == null || toolChoice == ToolChoice.NONE ? Integer.MAX_VALUE : 1 + toolCalls.minTokens();
        int text = response == null ? 0 : response.minTokens();
        return switch (toolChoice) {
            case REQUIRED -> tool;
            case AUTO -> Math.min(tool, text);
            case NONE -> text;
        };
    }

    /** How tool use is decided. */
    public enum ToolChoice {
        /** The model chooses between a call and an answer. */
        AUTO,
        /** The model answers without calling a tool. */
        NONE,
        /** The model must call one of the tools (a named tool is the union of just that one). */
        REQUIRED
    }
}
