package dev.tessera.textgen.decoding.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A model's vocabulary as a byte trie, so that one walk from a grammar state visits every token's bytes once per
 * shared prefix and abandons a whole subtree at the first byte the grammar refuses. Tokens with no bytes (special
 * and control tokens) are left out; they are never part of structured output.
 */
public final class TokenTrie {

    private final int[] childStart;
    private final int[] childCount;
    private final byte[] childByte;
    private final int[] childNode;
    private final int[] tokenStart;
    private final int[] tokenCount;
    private final int[] tokens;
    private final int maxTokenBytes;
    private final int vocabSize;

    /** Builds the trie from each id's bytes; a null entry is an id that never appears in structured output. */
    public TokenTrie(byte[][] tokenBytes) {
        List<TreeMap<Integer, Integer>> children = new ArrayList<>();
        List<List<Integer>> ending = new ArrayList<>();
        children.add(new TreeMap<>());
        ending.add(new ArrayList<>());
        int longest = 0;
        for (int id = 0; id < tokenBytes.length; id++) {
            byte[] bytes = tokenBytes[id];
            if (bytes == null || bytes.length == 0) {
                continue;
            }
            longest = Math.max(longest, bytes.length);
            int node = 0;
            for (byte b : bytes) {
                Integer next = children.get(node).get(b & 0xFF);
                if (next == null) {
                    next = children.size();
                    children.add(new TreeMap<>());
                    ending.add(new ArrayList<>());
                    children.get(node).put(b & 0xFF, next);
                }
                node = next;
            }
            ending.get(node).add(id);
        }
        int nodes = children.size();
        childStart = new int[nodes];
        childCount = new int[nodes];
        tokenStart = new int[nodes];
        tokenCount = new int[nodes];
        int edges = nodes - 1;
        childByte = new byte[edges];
        childNode = new int[edges];
        tokens = new int[ending.stream().mapToInt(List::size).sum()];
        int e = 0;
        int t = 0;
        for (int n = 0; n < nodes; n++) {
            childStart[n] = e;
            childCount[n] = children.get(n).size();
            for (var entry : children.get(n).entrySet()) {
                childByte[e] = (byte) (int) entry.getKey();
                childNode[e++] = entry.getValue();
            }
            tokenStart[n] = t;
            tokenCount[n] = ending.get(n).size();
            for (int id : ending.get(n)) {
                tokens[t++] = id;
            }
        }
        maxTokenBytes = longest;
        vocabSize = tokenBytes.length;
    }

    /** The longest token, in bytes. */
    public int maxTokenBytes() {
        return maxTokenBytes;
    }

    /** The ids the trie was built over (including those without bytes). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Calls {@code visitor} for every token whose bytes take {@code start} to a state, with that state. */
    void walk(JsonGrammar.State start, Visitor visitor) {
        walk(0, start, visitor);
    }

    private void walk(int node, JsonGrammar.State state, Visitor visitor) {
        for (int e = childStart[node], end = e + childCount[node]; e < end; e++) {
            JsonGrammar.State next = state.feed(childByte[e]);
            if (next == null) {
                continue;
            }
            int child = childNode[e];
            for (int t = tokenStart[child], tend = t + tokenCount[child]; t < tend; t++) {
                visitor.accept(tokens[t], next);
            }
            if (!next.complete()) {
                walk(child, next, visitor);
            }
        }
    }

    interface Visitor {
        void accept(int token, JsonGrammar.State after);
    }
}
