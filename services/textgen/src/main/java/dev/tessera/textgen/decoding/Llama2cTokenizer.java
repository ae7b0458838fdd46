package dev.tessera.textgen.decoding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;

/**
 * llama2.c's tokenizer, read from its {@code tokenizer.bin}: an int32 maximum token length, then for each id a float32
 * merge score, an int32 byte length and the token's bytes. Encoding looks each UTF-8 character up (falling back to
 * byte tokens, id = byte + 3), then repeatedly merges the adjacent pair whose concatenation is the highest-scoring
 * token, leftmost first; a control token (unknown, BOS, EOS: ids 0 to 2) is never the result, whatever the text
 * spells. Decoding drops the leading space of the first piece after BOS, as llama2.c prints it.
 */
public final class Llama2cTokenizer implements TextTokenizer {

    private static final int BOS = 1;
    private static final int BYTE_OFFSET = 3;

    private final byte[][] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids;

    private Llama2cTokenizer(byte[][] pieces, float[] scores) {
        this.pieces = pieces;
        this.scores = scores;
        this.ids = new HashMap<>(pieces.length * 2);
        for (int i = pieces.length - 1; i >= 0; i--) {
            ids.put(key(pieces[i]), i);
        }
    }

    /** Parses {@code tokenizer.bin}; fails on a truncated or inconsistent file. */
    public static Llama2cTokenizer read(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) {
            throw new IllegalArgumentException("tokenizer.bin is empty");
        }
        int maxLength = in.getInt();
        List<byte[]> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 8) {
                throw new IllegalArgumentException("tokenizer.bin is truncated after token " + pieces.size());
            }
            float score = in.getFloat();
            int length = in.getInt();
            if (length < 0 || length > maxLength || length > in.remaining()) {
                throw new IllegalArgumentException(
                        "tokenizer.bin: token " + pieces.size() + " has an impossible length " + length);
            }
            byte[] piece = new byte[length];
            in.get(piece);
            pieces.add(piece);
            scores.add(score);
        }
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
        }
        return new Llama2cTokenizer(pieces.toArray(byte[][]::new), s);
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    /**
     * A prompt is encoded whole, as llama2.c encodes it. Its pieces need no care: this tokenizer never produces a
     * control token (unknown, BOS, EOS) from text, not even from their spelling; the engine adds BOS itself.
     */
    @Override
    public int[] encode(List<PromptPart> parts) {
        return encode(PromptPart.join(parts));
    }

    @Override
    public int[] encode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[utf8.length];
        int n = 0;
        for (int i = 0; i < utf8.length; ) {
            int len = charLength(utf8[i]);
            len = Math.min(len, utf8.length - i);
            Integer id = ids.get(key(utf8, i, len));
            if (id != null && id >= BYTE_OFFSET) {
                tokens[n++] = id;
            } else {
                for (int b = 0; b < len; b++) {
                    tokens[n++] = (utf8[i + b] & 0xFF) + BYTE_OFFSET;
                }
            }
            i += len;
        }
        return merge(tokens, n);
    }

    /**
     * Greedy pair merging in O(n log n): a doubly linked list of tokens and a queue of candidate merges ordered by the
     * merged token's score, then by position, which picks exactly what llama2.c's rescan-everything loop picks (the
     * best score, leftmost on ties). Entries made stale by an earlier merge are skipped when they surface.
     */
    private int[] merge(int[] tokens, int n) {
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        record Candidate(float score, int left, int right, int leftToken, int rightToken, int merged) {}
        PriorityQueue<Candidate> queue = new PriorityQueue<>(
                (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        BiConsumer<Integer, Integer> offer = (left, right) -> {
            Integer merged = ids.get(key(concat(pieces[tokens[left]], pieces[tokens[right]])));
            if (merged != null && merged >= BYTE_OFFSET) {
                queue.add(new Candidate(scores[merged], left, right, tokens[left], tokens[right], merged));
            }
        };
        for (int i = 0; i + 1 < n; i++) {
            offer.accept(i, i + 1);
        }
        int count = n;
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            if (next[c.left] != c.right || tokens[c.left] != c.leftToken || tokens[c.right] != c.rightToken) {
                continue;
            }
            tokens[c.left] = c.merged;
            int after = next[c.right];
            next[c.left] = after;
            if (after >= 0) {
                prev[after] = c.left;
            }
            next[c.right] = -2; // removed
            count--;
            if (prev[c.left] >= 0) {
                offer.accept(prev[c.left], c.left);
            }
            if (after >= 0) {
                offer.accept(c.left, after);
            }
        }
        int[] out = new int[count];
        int k = 0;
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            out[k++] = tokens[i];
        }
        return out;
    }

    @Override
    public byte[] tokenBytes(int id) {
        // 0, 1 and 2 are <unk>, BOS and EOS, which print as markers rather than text
        return id < BYTE_OFFSET ? null : piece(-1, id);
    }

    /** The bytes token {@code id} prints after {@code previous}. */
    byte[] piece(int previous, int id) {
        byte[] piece = pieces[id];
        if (piece.length == 6 && piece[0] == '<' && piece[1] == '0' && piece[2] == 'x' && piece[5] == '>') {
            return new byte[] {(byte) Integer.parseInt(new String(piece, 3, 2, StandardCharsets.US_ASCII), 16)};
        }
        if (previous == BOS && piece.length > 0 && piece[0] == ' ') {
            byte[] trimmed = new byte[piece.length - 1];
            System.arraycopy(piece, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return piece;
    }

    @Override
    public Detokenizer detokenizer(int[] prompt) {
        int last = prompt.length == 0 ? BOS : prompt[prompt.length - 1];
        return new Detokenizer() {
            private final Utf8Buffer buffer = new Utf8Buffer();
            private int previous = last;

            @Override
            public String push(int id) {
                byte[] bytes = piece(previous, id);
                previous = id;
                return buffer.append(bytes);
            }

            @Override
            public String flush() {
                return buffer.flush();
            }
        };
    }

    private static int charLength(byte lead) {
        int b = lead & 0xFF;
        return b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String key(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
}
