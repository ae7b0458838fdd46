package dev.tessera.mlm.service;

import java.util.List;
import java.util.Optional;

/**
 * A validated request to embed texts.
 *
 * @param inputs the texts, none empty
 * @param inputType what they are for
 * @param normalize whether to L2-normalise each vector
 * @param truncate whether to cut inputs over the model's token limit instead of refusing them
 * @param model the model asked for, or empty for the default
 * @param deadlineNanos {@link System#nanoTime()} after which the answer is useless; {@link Long#MAX_VALUE} for none
 */
public record EmbedCommand(
        List<String> inputs,
        InputType inputType,
        boolean normalize,
        boolean truncate,
        Optional<String> model,
        long deadlineNanos) {}
