package dev.tessera.textgen.service;

import dev.tessera.runtime.generate.ChatMessage;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A generation request past the gRPC edge, its shape already checked.
 *
 * @param model the model asked for; empty for the default
 * @param messages the conversation, at least one message
 * @param toolNames the names of the tools offered; non-empty only when the caller offered tools
 * @param structuredOutput whether a JSON schema was asked for, as tools or as the response format
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
        List<String> toolNames,
        boolean structuredOutput,
        float temperature,
        float topP,
        int topK,
        OptionalLong seed,
        OptionalInt maxTokens,
        List<String> stop,
        long deadlineNanos) {}
