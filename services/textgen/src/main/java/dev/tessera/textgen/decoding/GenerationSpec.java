package dev.tessera.textgen.decoding;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code textgen} section of a model's manifest: which tokenizer it has, its special tokens, and how messages
 * become a prompt. Kept in data so that a new decoder model needs a manifest, not code.
 *
 * @param tokenizer {@code llama2c} ({@code tokenizer.bin}) or {@code huggingface} ({@code tokenizer.json})
 * @param bos the beginning-of-sequence id, or null when the model has none
 * @param stopTokens ids that end a generation when produced; they are never part of the text
 * @param addBos whether a prompt starts with {@code bos}
 * @param template how each message is rendered into the prompt
 * @param tools how the model calls tools, or null when it was not trained to
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record GenerationSpec(
        String tokenizer, Integer bos, List<Integer> stopTokens, boolean addBos, Template template, Tools tools) {

    public GenerationSpec {
        Objects.requireNonNull(tokenizer, "textgen.tokenizer");
        Objects.requireNonNull(template, "textgen.template");
        stopTokens = stopTokens == null ? List.of() : List.copyOf(stopTokens);
        if (addBos && bos == null) {
            throw new IllegalArgumentException("textgen.addBos is true but textgen.bos is not set");
        }
        if (tools != null && (template.tools() == null || template.toolCall() == null)) {
            throw new IllegalArgumentException("textgen.tools is set, so textgen.template needs tools and toolCall");
        }
    }

    /** Whether the model was trained to call tools. */
    public boolean supportsTools() {
        return tools != null;
    }

    /**
     * How a tool-calling model marks a call: its turn starts with {@code callToken} (one special token), then the
     * call as compact JSON {@code {"name":...,"arguments":{...}}}, then a stop token.
     *
     * @param callToken the special token that opens a call
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Tools(String callToken) {
        public Tools {
            Objects.requireNonNull(callToken, "textgen.tools.callToken");
        }
    }

    /**
     * Per-role formats, where {@code {content}} stands for the message text, and the text that opens the model's turn
     * after the last message. A base model that only continues text uses {@code {content}} for every role.
     *
     * @param tools the line that lists the offered tools' names ({@code {content}}: the names, comma-separated),
     *     placed before the messages
     * @param toolCall how a call inside an assistant message is written ({@code {content}}: the call's JSON)
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Template(
            String system,
            String user,
            String assistant,
            String tool,
            String generation,
            String tools,
            String toolCall) {

        /**
         * Renders the tool list (when tools are offered) and the messages into the prompt's parts: the formats are the
         * template's, what fills {@code {content}} (message text, tool names, a call's JSON) is the caller's.
         */
        public List<PromptPart> render(List<ChatMessage> messages, List<String> toolNames) {
            List<PromptPart> out = new ArrayList<>();
            if (!toolNames.isEmpty() && tools != null) {
                fill(out, tools, List.of(PromptPart.caller(String.join(", ", toolNames))));
            }
            for (ChatMessage m : messages) {
                String format = switch (m.role()) {
                    case SYSTEM -> system;
                    case USER -> user;
                    case ASSISTANT -> assistant;
                    case TOOL -> tool;
                };
                List<PromptPart> content = new ArrayList<>();
                content.add(PromptPart.caller(m.content()));
                if (toolCall != null) {
                    for (ToolCall call : m.toolCalls()) {
                        fill(content, toolCall, List.of(PromptPart.caller(callJson(call))));
                    }
                }
                fill(out, format, content);
            }
            if (generation != null) {
                out.add(PromptPart.template(generation));
            }
            return out;
        }

        /** Adds {@code format} with each {@code {content}} in it replaced by {@code content}; no format is just it. */
        private static void fill(List<PromptPart> out, String format, List<PromptPart> content) {
            if (format == null) {
                out.addAll(content);
                return;
            }
            String[] pieces = format.split(Pattern.quote("{content}"), -1);
            for (int i = 0; i < pieces.length; i++) {
                if (!pieces[i].isEmpty()) {
                    out.add(PromptPart.template(pieces[i]));
                }
                if (i < pieces.length - 1) {
                    out.addAll(content);
                }
            }
        }

        private static final ObjectMapper JSON = new ObjectMapper();

        private static String callJson(ToolCall call) {
            try {
                var mapper = JSON;
                var node = mapper.createObjectNode();
                node.put("name", call.name());
                node.set("arguments", mapper.readTree(call.argumentsJson()));
                return mapper.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("tool call arguments are not JSON: " + e.getOriginalMessage());
            }
        }
    }
}
