package dev.tessera.textgen.decoding;

import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One generation's state between model steps: it samples from each step's logits, stops on a stop token, a stop
 * sequence, the token budget, cancellation or the deadline, and streams its text. The same object runs alone (one
 * sequence per model call) or as a row of a batch, so both paths end a generation by the same rules.
 */
final class Sequence {

    private final GenerationSpec spec;
    private final GenerationParams params;
    private final Consumer<String> onText;
    private final BooleanSupplier cancelled;
    private final Sampler sampler;
    private final TextTokenizer.Detokenizer detokenizer;
    private final StopSequences stops;
    private final StructuredOutput structure;
    private final StringBuilder text = new StringBuilder();
    private final int[] generated;
    private final int promptTokens;
    private final long start;
    private int count;
    private double logprobSum;
    private long compute;
    private long firstToken = -1;
    private FinishReason reason;

    Sequence(
            GenerationSpec spec,
            TextTokenizer tokenizer,
            int[] prompt,
            int contextLength,
            GenerationParams params,
            StructuredOutput structure,
            Consumer<String> onText,
            BooleanSupplier cancelled) {
        this.spec = spec;
        this.params = params;
        this.onText = onText;
        this.cancelled = cancelled;
        this.sampler = new Sampler(params.sampling());
        this.detokenizer = tokenizer.detokenizer(prompt);
        this.stops = new StopSequences(params.stop());
        this.structure = structure;
        this.generated = new int[Math.min(params.maxTokens(), contextLength - prompt.length)];
        this.promptTokens = prompt.length;
        this.start = System.nanoTime();
    }

    /**
     * Takes the logits that follow the last position fed and returns the token to feed next, or -1 when the
     * generation has ended (then {@link #result} is ready).
     */
    int next(float[] logits) {
        if (cancelled.getAsBoolean() || System.nanoTime() - params.deadlineNanos() > 0) {
            return end(FinishReason.CANCELLED);
        }
        int token;
        if (structure == null) {
            token = sampler.sample(logits);
        } else {
            float[] allowed = structure.restrict(logits, generated.length - count);
            if (allowed == null) {
                // only reachable with a vocabulary that cannot spell every byte on its own
                return end(FinishReason.LENGTH);
            }
            token = sampler.sample(allowed, logits);
        }
        if (firstToken < 0) {
            firstToken = System.nanoTime() - start;
        }
        if (spec.stopTokens().contains(token)) {
            return end(FinishReason.STOP);
        }
        generated[count++] = token;
        logprobSum += sampler.lastLogprob();
        StructuredOutput.Kind kind = structure == null ? StructuredOutput.Kind.TEXT : structure.accept(token);
        switch (kind) {
            case TEXT -> emit(stops.accept(detokenizer.push(token)));
            case JSON_TEXT -> emit(detokenizer.push(token));
            case CALL -> {}
        }
        if (stops.stopped()) {
            return end(FinishReason.STOP);
        }
        if (structure != null && structure.complete()) {
            return end(structure.calling() ? FinishReason.TOOL_CALL : FinishReason.STOP);
        }
        if (count == generated.length) {
            return end(FinishReason.LENGTH);
        }
        return token;
    }

    /** Adds model time this sequence waited on. */
    void addCompute(long nanos) {
        compute += nanos;
    }

    boolean ended() {
        return reason != null;
    }

    private int end(FinishReason why) {
        reason = why;
        if (structure != null && structure.calling()) {
            return -1;
        }
        if (!stops.stopped()) {
            emit(stops.accept(detokenizer.flush()));
            emit(stops.flush());
        }
        return -1;
    }

    private void emit(String piece) {
        if (!piece.isEmpty()) {
            text.append(piece);
            onText.accept(piece);
        }
    }

    /** The outcome, once {@link #next} has returned -1. */
    GenerationResult result() {
        if (reason == null) {
            throw new IllegalStateException("the generation has not ended");
        }
        return new GenerationResult(
                text.toString(),
                Arrays.copyOf(generated, count),
                reason,
                count == 0 ? 0 : logprobSum / count,
                promptTokens,
                compute,
                firstToken,
                reason == FinishReason.TOOL_CALL ? structure.toolCall() : null);
    }
}
