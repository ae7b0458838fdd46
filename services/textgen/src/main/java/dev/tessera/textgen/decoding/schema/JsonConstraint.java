package dev.tessera.textgen.decoding.schema;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A schema bound to a model's vocabulary: which tokens may come next in each grammar state, cached by state so that
 * the repetitive states of structured output (inside a long string, between properties) are walked once. One
 * instance serves every generation that uses the same schema; each generation keeps its own {@link Cursor}.
 */
public final class JsonConstraint {

    /** Cached states per schema; past this the masks are still computed, just not kept. */
    static final int MAX_CACHED_STATES = 50_000;

    private final Schema schema;
    private final TokenTrie vocabulary;
    private final ConcurrentHashMap<JsonGrammar.State, Allowed> cache = new ConcurrentHashMap<>();

    public JsonConstraint(Schema schema, TokenTrie vocabulary) {
        this.schema = schema;
        this.vocabulary = vocabulary;
    }

    /** The fewest tokens any valid output takes (every byte can be its own token). */
    public int minTokens() {
        return schema.minBytes();
    }

    public Schema schema() {
        return schema;
    }

    /** States whose masks are cached now. */
    public int cachedStates() {
        return cache.size();
    }

    /** A fresh position at the start of the output. */
    public Cursor cursor() {
        return new Cursor(JsonGrammar.start(schema));
    }

    /**
     * The tokens allowed in a state and, for each, the fewest bytes still needed after it; sorted by that need so a
     * budget cuts a prefix.
     */
    record Allowed(int[] tokens, int[] need) {}

    private Allowed allowed(JsonGrammar.State state) {
        JsonGrammar.State key = state.normalized(vocabulary.maxTokenBytes() + 1);
        Allowed hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        List<long[]> found = new ArrayList<>();
        vocabulary.walk(state, (token, after) -> found.add(new long[] {after.minToFinish(), token}));
        found.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int[] tokens = new int[found.size()];
        int[] need = new int[found.size()];
        for (int i = 0; i < tokens.length; i++) {
            need[i] = (int) found.get(i)[0];
            tokens[i] = (int) found.get(i)[1];
        }
        Allowed computed = new Allowed(tokens, need);
        if (cache.size() < MAX_CACHED_STATES) {
            cache.putIfAbsent(key, computed);
        }
        return computed;
    }

    /** One generation's place in the output. */
    public final class Cursor {
        private JsonGrammar.State state;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        private Cursor(JsonGrammar.State state) {
            this.state = state;
        }

        /**
         * Writes into {@code out} the logits of the tokens that may come next, leaving {@code -inf} elsewhere: those
         * that continue a valid instance and still leave room to finish within {@code budget} tokens (this one
         * included), and {@code endTokens} when the value may end here.
         *
         * @return how many tokens are allowed
         */
        public int mask(float[] logits, float[] out, int budget, int[] endTokens) {
            Arrays.fill(out, Float.NEGATIVE_INFINITY);
            Allowed allowed = allowed(state);
            int n = 0;
            for (int i = 0; i < allowed.tokens.length && allowed.need[i] <= budget - 1; i++) {
                out[allowed.tokens[i]] = logits[allowed.tokens[i]];
                n++;
            }
            if (state.canEnd()) {
                for (int t : endTokens) {
                    out[t] = logits[t];
                    n++;
                }
            }
            return n;
        }

        /** Moves past {@code token}, whose bytes are given; fails when the token was not allowed. */
        public void accept(byte[] token) {
            JsonGrammar.State s = state;
            for (byte b : token) {
                s = s == null ? null : s.feed(b);
            }
            if (s == null) {
                throw new IllegalStateException("token does not continue the structured output");
            }
            state = s;
            bytes.writeBytes(token);
        }

        /** Whether the value is closed: nothing more may be generated. */
        public boolean complete() {
            return state.complete();
        }

        /** Whether the value may end here (closed, or a top-level number that could also go on). */
        public boolean canEnd() {
            return state.canEnd();
        }

        /** The output so far. */
        public byte[] output() {
            return bytes.toByteArray();
        }
    }
}
