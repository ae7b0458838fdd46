package dev.tessera.runtime.generate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Objects;

/**
 * The {@code textgen} section of a model's manifest: which tokenizer it has, its special tokens, and how messages
 * become a prompt. Kept in data so that a new decoder model needs a manifest, not code.
 *
 * @param tokenizer {@code llama2c} ({@code tokenizer.bin}) or {@code huggingface} ({@code tokenizer.json})
 * @param bos the beginning-of-sequence id, or null when the model has none
 * @param stopTokens ids that end a generation when produced; they are never part of the text
 * @param addBos whether a prompt starts with {@code bos}
 * @param template how each message is rendered into the prompt
 * @param tools whether the model was trained to call tools
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record GenerationSpec(
        String tokenizer, Integer bos, List<Integer> stopTokens, boolean addBos, Template template, boolean tools) {

    public GenerationSpec {
        Objects.requireNonNull(tokenizer, "textgen.tokenizer");
        Objects.requireNonNull(template, "textgen.template");
        stopTokens = stopTokens == null ? List.of() : List.copyOf(stopTokens);
        if (addBos && bos == null) {
            throw new IllegalArgumentException("textgen.addBos is true but textgen.bos is not set");
        }
    }

    /**
     * Per-role formats, where {@code {content}} stands for the message text, and the text that opens the model's turn
     * after the last message. A base model that only continues text uses {@code {content}} for every role.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Template(String system, String user, String assistant, String tool, String generation) {

        /** Renders the messages into one prompt string. */
        public String render(List<ChatMessage> messages) {
            StringBuilder out = new StringBuilder();
            for (ChatMessage m : messages) {
                String format = switch (m.role()) {
                    case SYSTEM -> system;
                    case USER -> user;
                    case ASSISTANT -> assistant;
                    case TOOL -> tool;
                };
                out.append(format == null ? m.content() : format.replace("{content}", m.content()));
            }
            if (generation != null) {
                out.append(generation);
            }
            return out.toString();
        }
    }
}
