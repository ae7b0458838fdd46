package dev.tessera.mlm.service;

/**
 * What ListModels tells callers about one loaded model.
 *
 * @param name the name to ask for
 * @param dimension the vector length
 * @param maxTokens the token limit per input
 * @param pooling how vectors are pooled
 * @param isDefault whether requests that name no model get this one
 * @param source where the weights come from
 * @param license the weights' licence
 */
public record ModelDescription(
        String name, int dimension, int maxTokens, String pooling, boolean isDefault, String source, String license) {}
