package dev.tessera.textgen.service;

import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.OutputFormat;
import dev.tessera.textgen.decoding.schema.Schema;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A generation request past the gRPC edge, its shape already checked and its schemas compiled.
 *
 * @param model the model asked for; empty for the default
 * @param messages the conversation, at least one message
 * @param tools the tools offered, in the caller's order
 * @param toolChoice whether the model may, must or must not call one (NONE when no tools are offered)
 * @param requiredTool the one tool the model must call, when the caller named it
 * @param responseSchema the schema the answer must follow, when the caller asked for JSON
 * @param temperature 0 for greedy; 1 when the caller gave none
 * @param topP in (0, 1]
 * @param topK 0 keeps all
 * @param seed the sampling seed, when the caller gave one
 * @param maxTokens the caller's limit on generated tokens, when given
 * @param stop sequences that end the answer
 * @param deadlineNanos {@link System#nanoTime()} by which the answer is due, or {@link Long#MAX_VALUE}
 */
public record GenerateCommand(
        Optional<String> model,
        List<ChatMessage> messages,
        List<OfferedTool> tools,
        OutputFormat.ToolChoice toolChoice,
        Optional<String> requiredTool,
        Optional<CompiledSchema> responseSchema,
        float temperature,
        float topP,
        int topK,
        OptionalLong seed,
        OptionalInt maxTokens,
        List<String> stop,
        long deadlineNanos) {

    /** A tool the caller offers: its name and compiled parameter schema. */
    public record OfferedTool(String name, CompiledSchema parameters) {}

    /**
     * A schema as the caller wrote it and as compiled; the text keys the per-model cache of compiled constraints.
     */
    public record CompiledSchema(String text, Schema schema) {}
}
