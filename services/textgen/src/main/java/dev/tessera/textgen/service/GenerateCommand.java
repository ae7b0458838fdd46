package dev.tessera.textgen.service;

import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.OutputFormat;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.schema.Schema;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A generation request past the gRPC edge, its shape already checked and its schemas compiled.
 *
 * @param model the model asked for; empty for the default
 * @param messages the conversation, at least one message
 * @param tools the tools offered, in the caller's order
 * @param toolChoice whether the model may, must or must not call one (NONE when no tools are offered)
 * @param requiredTool the one tool the model must call, when the caller named it
 * @param responseSchema the schema the answer must follow, when the caller asked for JSON
 * @param sampling how tokens are chosen, with the caller's seed or one drawn for this request
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
        SamplingParams sampling,
        OptionalInt maxTokens,
        List<String> stop,
        long deadlineNanos) {

    /** The same request, due by {@code deadlineNanos}. */
    public GenerateCommand withDeadline(long deadlineNanos) {
        return new GenerateCommand(
                model,
                messages,
                tools,
                toolChoice,
                requiredTool,
                responseSchema,
                sampling,
                maxTokens,
                stop,
                deadlineNanos);
    }

    /** A tool the caller offers: its name and compiled parameter schema. */
    public record OfferedTool(String name, CompiledSchema parameters) {}

    /**
     * A schema as the caller wrote it and as compiled; the text keys the per-model cache of compiled constraints.
     */
    public record CompiledSchema(String text, Schema schema) {}
}
