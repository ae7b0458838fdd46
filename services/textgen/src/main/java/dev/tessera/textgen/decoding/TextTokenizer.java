package dev.tessera.textgen.decoding;

import java.util.List;

/**
 * What the decoding engine needs from a tokenizer: text to ids, and ids back to text one token at a time for
 * streaming. Two kinds exist because real models come with either llama2.c's {@code tokenizer.bin} or a HuggingFace
 * {@code tokenizer.json}; the engine does not care which.
 */
public interface TextTokenizer extends AutoCloseable {

    /**
     * Encodes template text without adding special tokens (the engine adds BOS as the model's spec says); control
     * tokens spelled in it are the control tokens.
     */
    int[] encode(String text);

    /**
     * Encodes a rendered prompt: control tokens come only from the template's parts, and the spelling of one in a
     * caller's part (a user writing {@code <|end|>}) is encoded as plain text.
     */
    int[] encode(List<PromptPart> parts);

    /** Ids the tokenizer knows; ids at or past this are never produced. */
    int vocabSize();

    /**
     * The bytes id {@code id} adds to text after an ordinary token, or null for a special or control token that never
     * appears in text. Structured decoding walks these to know which tokens can continue a JSON value.
     */
    byte[] tokenBytes(int id);

    /** Frees native memory the tokenizer holds; a tokenizer written in Java holds none. */
    @Override
    default void close() {}

    /**
     * A fresh streaming decoder for one generation that continues {@code prompt}: how a token prints can depend on the
     * token before it (llama2.c drops a leading space only right after BOS; SentencePiece decoders strip the space of
     * a sequence's first piece), so the decoder starts from where the prompt ends.
     */
    Detokenizer detokenizer(int[] prompt);

    /**
     * Turns generated ids back into text incrementally, never splitting a multi-byte UTF-8 character: text that is
     * not yet complete stays buffered until the token that completes it.
     */
    interface Detokenizer {

        /** Adds one generated id and returns the text it completes, possibly empty. */
        String push(int id);

        /** Returns what is still buffered at the end of a generation, with incomplete bytes replaced by U+FFFD. */
        String flush();
    }
}
