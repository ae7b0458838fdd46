package dev.tessera.mlm.service;

/**
 * The embedding section of a model manifest: what turns token states into one vector. It lives in the manifest so a
 * new model needs no code.
 *
 * @param dimension the vector length
 * @param pooling {@code mean} (masked average of token states) or {@code cls} (the first token's state)
 * @param output the name of the session output holding token states, shaped [batch, tokens, dimension]
 * @param prefixes the text prepended for each input type
 */
public record EmbeddingSpec(int dimension, Pooling pooling, String output, Prefixes prefixes) {

    /** How token states are pooled into one vector. */
    public enum Pooling {
        mean,
        cls
    }

    /**
     * Prefixes the model was trained with, per input type.
     *
     * @param query for search queries
     * @param passage for documents
     * @param symmetric for text compared with text of the same kind
     */
    public record Prefixes(String query, String passage, String symmetric) {

        public String of(InputType type) {
            String p = switch (type) {
                case QUERY -> query;
                case PASSAGE -> passage;
                case SYMMETRIC -> symmetric;
            };
            return p == null ? "" : p;
        }
    }
}
