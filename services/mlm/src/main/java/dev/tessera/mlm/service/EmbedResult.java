package dev.tessera.mlm.service;

import dev.tessera.platform.usage.Usage;
import java.util.List;

/**
 * The embeddings of one request.
 *
 * @param vectors one per input, in input order
 * @param dimension every vector's length
 * @param model the model that produced them
 * @param usage what the call consumed
 */
public record EmbedResult(List<Embedded> vectors, int dimension, String model, Usage usage) {

    /**
     * One input's embedding.
     *
     * @param vector the components
     * @param tokens tokens the model read for this input
     * @param truncated whether the input was cut to the model's limit
     */
    public record Embedded(float[] vector, int tokens, boolean truncated) {}
}
