package dev.tessera.textgen.service;

/**
 * What ListModels says about a loaded model.
 *
 * @param name the name requests select it by
 * @param contextLength positions a conversation may use
 * @param supportsTools whether it can call tools
 * @param isDefault whether requests without a model get it
 * @param description one line on what it is
 * @param source where its weights come from
 * @param license its licence
 */
public record ModelDescription(
        String name,
        int contextLength,
        boolean supportsTools,
        boolean isDefault,
        String description,
        String source,
        String license) {}
