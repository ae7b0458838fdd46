package dev.tessera.textgen.decoding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.textgen.decoding.schema.JsonConstraint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One generation's progress through its {@link OutputFormat}: before the first token it may still become a tool call
 * or an answer; then it is free text (where the call token is banned), schema-constrained JSON text, or a tool call
 * being written. Each step it masks the logits to what may come next within the remaining token budget.
 */
final class StructuredOutput {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a generated token is, for the sequence that produced it. */
    enum Kind {
        /** Text, subject to stop sequences. */
        TEXT,
        /** Part of the JSON answer: text, but not cut by stop sequences. */
        JSON_TEXT,
        /** Part of a tool call: not text. */
        CALL
    }

    private enum Phase {
        START,
        TEXT,
        JSON,
        CALL
    }

    private final OutputFormat format;
    private final TextTokenizer tokenizer;
    private final int callToken;
    private final int[] stopTokens;
    private final float[] masked;
    private Phase phase = Phase.START;
    private JsonConstraint.Cursor cursor;

    StructuredOutput(OutputFormat format, TextTokenizer tokenizer, int callToken, int[] stopTokens, int vocab) {
        this.format = format;
        this.tokenizer = tokenizer;
        this.callToken = callToken;
        this.stopTokens = stopTokens;
        this.masked = new float[vocab];
        boolean tools = format.toolCalls() != null && format.toolChoice() != OutputFormat.ToolChoice.NONE;
        if (!tools) {
            if (format.response() != null) {
                phase = Phase.JSON;
                cursor = format.response().cursor();
            } else {
                phase = Phase.TEXT;
            }
        }
    }

    /**
     * The logits with every token that may not come next at {@code -inf}; {@code budget} counts the tokens left,
     * this one included. Returns null when no token is allowed.
     */
    float[] restrict(float[] logits, int budget) {
        switch (phase) {
            case TEXT -> {
                if (callToken < 0 || callToken >= logits.length) {
                    return logits;
                }
                System.arraycopy(logits, 0, masked, 0, logits.length);
                masked[callToken] = Float.NEGATIVE_INFINITY;
                return masked;
            }
            case JSON, CALL -> {
                return cursor.mask(logits, masked, budget, stopTokens) == 0 ? null : masked;
            }
            default -> {
                // Before the first token: the call token (when a call fits the budget), and unless a call is required,
                // whatever may start the answer.
                boolean callFits = budget >= 1 + format.toolCalls().minTokens();
                if (format.toolChoice() == OutputFormat.ToolChoice.REQUIRED) {
                    Arrays.fill(masked, Float.NEGATIVE_INFINITY);
                    if (!callFits) {
                        return null;
                    }
                    masked[callToken] = logits[callToken];
                    return masked;
                }
                if (format.response() != null) {
                    int n = format.response().cursor().mask(logits, masked, budget, stopTokens);
                    if (callFits) {
                        masked[callToken] = logits[callToken];
                        n++;
                    }
                    return n == 0 ? null : masked;
                }
                System.arraycopy(logits, 0, masked, 0, logits.length);
                if (!callFits) {
                    masked[callToken] = Float.NEGATIVE_INFINITY;
                }
                return masked;
            }
        }
    }

    /** Moves past a generated token (never a stop token) and says what it is. */
    Kind accept(int token) {
        switch (phase) {
            case START -> {
                if (token == callToken) {
                    phase = Phase.CALL;
                    cursor = format.toolCalls().cursor();
                    return Kind.CALL;
                }
                if (format.response() != null) {
                    phase = Phase.JSON;
                    cursor = format.response().cursor();
                    cursor.accept(tokenizer.tokenBytes(token));
                    return Kind.JSON_TEXT;
                }
                phase = Phase.TEXT;
                return Kind.TEXT;
            }
            case TEXT -> {
                return Kind.TEXT;
            }
            case JSON -> {
                cursor.accept(tokenizer.tokenBytes(token));
                return Kind.JSON_TEXT;
            }
            default -> {
                cursor.accept(tokenizer.tokenBytes(token));
                return Kind.CALL;
            }
        }
    }

    /** Whether the structured value is closed, so the generation ends without asking the model for more. */
    boolean complete() {
        return cursor != null && cursor.complete();
    }

    /** Whether a tool call is what is being (or was) generated. */
    boolean calling() {
        return phase == Phase.CALL;
    }

    /** The finished call, parsed from the bytes the grammar accepted. */
    ToolCall toolCall() {
        String json = new String(cursor.output(), StandardCharsets.UTF_8);
        try {
            JsonNode call = JSON.readTree(json);
            return new ToolCall(call.get("name").asText(), JSON.writeValueAsString(call.get("arguments")));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("the grammar accepted a tool call that does not parse: " + json, e);
        }
    }
}
