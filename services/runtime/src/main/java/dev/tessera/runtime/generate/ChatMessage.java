package dev.tessera.runtime.generate;

/**
 * One message of a conversation, past the gRPC edge.
 *
 * @param role who speaks
 * @param content what was said
 */
public record ChatMessage(Role role, String content) {

    /** The roles a conversation knows. */
    public enum Role {
        SYSTEM,
        USER,
        ASSISTANT,
        TOOL
    }
}
