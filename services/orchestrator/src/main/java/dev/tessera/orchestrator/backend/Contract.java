package dev.tessera.orchestrator.backend;

import java.util.Optional;

/** The published contract a family speaks; the orchestrator reaches families only through these. */
public enum Contract {
    /** {@code tessera.textgen.v1.TextGeneration}: llm, slm, moe. */
    TEXTGEN,
    /** {@code tessera.embedding.v1.Embedding}: mlm. */
    EMBEDDING;

    /** The contract of a family, by the family's one name. */
    public static Optional<Contract> ofFamily(String family) {
        return switch (family) {
            case "llm", "slm", "moe" -> Optional.of(TEXTGEN);
            case "mlm" -> Optional.of(EMBEDDING);
            default -> Optional.empty();
        };
    }
}
