package dev.tessera.textgen.decoding;

/** Why a generation ended. */
public enum FinishReason {
    /** The model produced a stop token, or the text reached a stop sequence. */
    STOP,
    /** {@code max_tokens} or the model's context length was reached. */
    LENGTH,
    /** The model called a tool. */
    TOOL_CALL,
    /** The caller cancelled, or its deadline passed. */
    CANCELLED
}
