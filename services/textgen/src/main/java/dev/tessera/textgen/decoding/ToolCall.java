package dev.tessera.textgen.decoding;

/**
 * A tool call, as the model produced it or as a client replays it in the conversation.
 *
 * @param name the tool
 * @param argumentsJson its arguments, a compact JSON object valid under the tool's parameter schema
 */
public record ToolCall(String name, String argumentsJson) {}
