package dev.tessera.runtime.generate;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * A {@code tokenizer.json} through DJL (offline), for models exported with Optimum. Streaming decodes the whole
 * completion so far and emits what was added, holding text back while it ends in an incomplete character; that is
 * how byte-fallback and byte-level BPE vocabularies avoid emitting U+FFFD mid-character.
 */
final class HuggingFaceTextTokenizer implements TextTokenizer {

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;

    HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
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
        java.util.ArrayList<Long> context = new java.util.ArrayList<>();
        if (prompt.length > 0) {
            context.add((long) prompt[prompt.length - 1]);
        }
        String contextText = decode(context);
        return new Detokenizer() {
            private final java.util.ArrayList<Long> ids = new java.util.ArrayList<>(context);
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

    private String decode(java.util.List<Long> ids) {
        long[] array = new long[ids.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = ids.get(i);
        }
        return tokenizer.decode(array, true);
    }
}
