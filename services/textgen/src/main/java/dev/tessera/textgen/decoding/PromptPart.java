package dev.tessera.textgen.decoding;

import java.util.List;

/**
 * A piece of a rendered prompt, and who wrote it: the model's template (role markers, control tokens) or a caller
 * (message text, tool names, a tool call's JSON). Control tokens are recognised only in the template's pieces, so text
 * a caller writes can never open a turn, end one, or forge a tool result.
 *
 * @param text the piece
 * @param fromTemplate whether the template wrote it
 */
public record PromptPart(String text, boolean fromTemplate) {

    /** Template text, where control tokens are meant. */
    public static PromptPart template(String text) {
        return new PromptPart(text, true);
    }

    /** Caller text, encoded as plain text whatever it spells. */
    public static PromptPart caller(String text) {
        return new PromptPart(text, false);
    }

    /** The prompt as one string, as the model reads it. */
    public static String join(List<PromptPart> parts) {
        StringBuilder out = new StringBuilder();
        parts.forEach(p -> out.append(p.text()));
        return out.toString();
    }
}
