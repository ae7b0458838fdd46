package dev.tessera.textgen.decoding;

import java.util.List;

/**
 * One message of a conversation, past the gRPC edge.
 *
 * @param role who speaks
 * @param content what was said
 * @param toolCalls the calls an assistant message made, rendered into the prompt the way the model writes them
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls) {

    public ChatMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatMessage(Role role, String content) {
        this(role, content, List.of());
    }

    /** The roles a conversation knows. */
    public enum Role {
        SYSTEM,
        USER,
        ASSISTANT,
        TOOL
    }
}
