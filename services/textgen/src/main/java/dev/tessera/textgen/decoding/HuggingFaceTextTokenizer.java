package dev.tessera.textgen.decoding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A {@code tokenizer.json} through DJL (offline), for models exported with Optimum. Streaming decodes the whole
 * completion so far and emits what was added, holding text back while it ends in an incomplete character; that is
 * how byte-fallback and byte-level BPE vocabularies avoid emitting U+FFFD mid-character.
 */
final class HuggingFaceTextTokenizer implements TextTokenizer {

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final byte[][] tokenBytes;
    private final List<String> specials;

    HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, byte[] tokenizerJson) throws IOException {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        JsonNode json = new ObjectMapper().readTree(tokenizerJson);
        this.tokenBytes = tokenBytes(json, vocabSize);
        this.specials = specials(json);
    }

    /** The spellings of the added special tokens, which the tokenizer matches anywhere in the text it encodes. */
    private static List<String> specials(JsonNode json) {
        List<String> out = new ArrayList<>();
        for (JsonNode added : json.path("added_tokens")) {
            String content = added.path("content").asText("");
            if (added.path("special").asBoolean(true) && content.length() > 1) {
                out.add(content);
            }
        }
        return out;
    }

    /**
     * Each id's bytes, read from {@code tokenizer.json}: byte-level vocabularies spell bytes with GPT-2's printable
     * alphabet; SentencePiece-style ones use U+2581 for a space and {@code <0xNN>} for byte fallback. Added special
     * tokens get none.
     */
    static byte[][] tokenBytes(JsonNode json, int vocabSize) {
        byte[][] out = new byte[vocabSize][];
        boolean byteLevel = json.path("decoder").toString().contains("\"ByteLevel\"");
        int[] byteOf = new int[512];
        Arrays.fill(byteOf, -1);
        if (byteLevel) {
            int extra = 0;
            for (int b = 0; b < 256; b++) {
                boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
                byteOf[printable ? b : 256 + extra++] = b;
            }
        }
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>)
                () -> json.path("model").path("vocab").fields()) {
            int id = entry.getValue().asInt(-1);
            if (id < 0 || id >= vocabSize) {
                continue;
            }
            String token = entry.getKey();
            if (byteLevel) {
                byte[] bytes = new byte[token.length()];
                boolean ok = true;
                for (int i = 0; i < token.length() && ok; i++) {
                    char c = token.charAt(i);
                    ok = c < byteOf.length && byteOf[c] >= 0;
                    bytes[i] = ok ? (byte) byteOf[c] : 0;
                }
                out[id] = ok ? bytes : null;
            } else if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
                out[id] = new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
            } else {
                out[id] = token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            }
        }
        for (JsonNode added : json.path("added_tokens")) {
            int id = added.path("id").asInt(-1);
            if (id >= 0 && id < vocabSize && added.path("special").asBoolean(true)) {
                out[id] = null;
            }
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public byte[] tokenBytes(int id) {
        return id >= 0 && id < tokenBytes.length ? tokenBytes[id] : null;
    }

    /**
     * Encodes the prompt whole, as the model was trained, unless a special token's spelling occurs anywhere outside
     * the template's own parts (inside caller text, or straddling caller and template text). Each such occurrence is
     * cut after its first character and the pieces between cuts are encoded apart, so the tokenizer sees no complete
     * spelling and writes it as plain text; the template's own control tokens are untouched.
     */
    @Override
    public int[] encode(List<PromptPart> parts) {
        String text = PromptPart.join(parts);
        List<Integer> cuts = new ArrayList<>();
        for (String special : specials) {
            for (int at = text.indexOf(special); at >= 0; at = text.indexOf(special, at + 1)) {
                if (!insideTemplate(parts, at, at + special.length())) {
                    cuts.add(at + 1);
                }
            }
        }
        if (cuts.isEmpty()) {
            return encode(text);
        }
        cuts.add(text.length());
        List<int[]> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : cuts.stream().sorted().distinct().toList()) {
            pieces.add(encode(text.substring(from, cut)));
            from = cut;
        }
        return pieces.stream().flatMapToInt(Arrays::stream).toArray();
    }

    /** Whether the characters [start, end) of the joined prompt all lie in one template part. */
    private static boolean insideTemplate(List<PromptPart> parts, int start, int end) {
        int offset = 0;
        for (PromptPart part : parts) {
            int partEnd = offset + part.text().length();
            if (start >= offset && start < partEnd) {
                return part.fromTemplate() && end <= partEnd;
            }
            offset = partEnd;
        }
        return false;
    }

    @Override
    public int[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public Detokenizer detokenizer(int[] prompt) {
        // Decoding the generated ids alone would strip the first piece's leading space, as decoders do at the start
        // of a text; decoding them after the prompt's last token, and dropping that token's own text, keeps it.
        ArrayList<Long> context = new ArrayList<>();
        if (prompt.length > 0) {
            context.add((long) prompt[prompt.length - 1]);
        }
        String contextText = decode(context);
        return new Detokenizer() {
            private final ArrayList<Long> ids = new ArrayList<>(context);
            private int emitted = contextText.length();

            @Override
            public String push(int id) {
                ids.add((long) id);
                String all = decode();
                if (all.endsWith("\uFFFD") || all.length() <= emitted) {
                    return "";
                }
                String added = all.substring(emitted);
                emitted = all.length();
                return added;
            }

            @Override
            public String flush() {
                String all = decode();
                String rest = all.length() > emitted ? all.substring(emitted) : "";
                emitted = all.length();
                return rest;
            }

            private String decode() {
                return HuggingFaceTextTokenizer.this.decode(ids);
            }
        };
    }

    private String decode(List<Long> ids) {
        long[] array = new long[ids.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = ids.get(i);
        }
        return tokenizer.decode(array, true);
    }
}
