package dev.tessera.textgen.service;

import dev.tessera.textgen.decoding.GenerationEngine;
import dev.tessera.textgen.decoding.GenerationResult;
import java.util.concurrent.CompletableFuture;

/**
 * A generation that has started: its model and seed for the answer, its result, and the handle that cancels it.
 *
 * @param model the model that is answering
 * @param seed the sampling seed in use
 * @param callId the id a tool call from this generation carries, so that the tool's answer can name it
 * @param running the engine's handle
 * @param result completes with the result, or with the failure that ended the generation ({@code DEADLINE_EXCEEDED}
 *     when the request's deadline passed while it ran)
 */
public record Generation(
        String model,
        long seed,
        String callId,
        GenerationEngine.Running running,
        CompletableFuture<GenerationResult> result) {

    /** Stops the generation before its next step. */
    public void cancel() {
        running.cancel();
    }
}
