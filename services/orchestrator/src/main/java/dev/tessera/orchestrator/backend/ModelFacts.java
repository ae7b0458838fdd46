package dev.tessera.orchestrator.backend;

/**
 * What a backend's service says about the model in ListModels, which bounds the worst case of a request.
 *
 * @param contextLength for text generation, the model's context in tokens; for embeddings, the most tokens per input
 * @param dimension for embeddings, the vector's length; 0 otherwise
 */
public record ModelFacts(int contextLength, int dimension) {}
