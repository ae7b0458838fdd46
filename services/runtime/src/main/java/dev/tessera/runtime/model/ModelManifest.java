package dev.tessera.runtime.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * Everything the runtime must know about a model artifact before it trusts and runs it: where its files are and their
 * sha256, its limits and licence, and one family-specific section (pooling for embeddings, a chat template for text
 * generation) that only that family reads. Keeping these facts in data, not code, is what lets a model be swapped by
 * dropping a directory in.
 *
 * @param name the name callers select the model by
 * @param version the version reported over OIP v2
 * @param family the family that serves it, such as {@code embedding}
 * @param format the weights' format; the runtime runs {@code onnx}
 * @param description one line on what the model is
 * @param source where the weights come from, pinned
 * @param license the weights' licence
 * @param files named files (such as {@code model} and {@code tokenizer}), each with a path and sha256
 * @param limits request limits that follow from the model, such as its maximum tokens
 * @param sections family-specific settings, keyed by family name
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelManifest(
        String name,
        String version,
        String family,
        String format,
        String description,
        String source,
        String license,
        Map<String, ModelFile> files,
        Limits limits,
        Map<String, JsonNode> sections) {

    /** Reads sections strictly: a key the section's type does not know is an error, not silently ignored. */
    private static final ObjectMapper SECTIONS =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The manifest file's name inside a model's folder. */
    public static final String FILE_NAME = "manifest.json";

    /**
     * A file that belongs to a model.
     *
     * @param path relative to the manifest's folder, or from the root of its source when it starts with {@code /}
     * @param sha256 lower-case hex digest, checked at load
     */
    public record ModelFile(String path, String sha256) {}

    /**
     * Limits that come from the model itself.
     *
     * @param maxTokens the most tokens one input may have, special tokens included
     */
    public record Limits(int maxTokens) {}

    /** Returns the named file, failing with a message that names the manifest when it is missing. */
    public ModelFile file(String role) {
        ModelFile file = files == null ? null : files.get(role);
        if (file == null) {
            throw new ModelLoadException("manifest of model '" + name + "' has no '" + role + "' file");
        }
        return file;
    }

    /**
     * Reads the section named after the model's family (for example {@code sections.mlm}) into its type: the facts only
     * that family reads.
     */
    public <T> T familySection(Class<T> type) {
        return section(family, type);
    }

    /** Reads a named section into its type, failing clearly when it is absent or malformed. */
    public <T> T section(String key, Class<T> type) {
        JsonNode node = sections == null ? null : sections.get(key);
        if (node == null) {
            throw new ModelLoadException("manifest of model '" + name + "' has no '" + key + "' section");
        }
        try {
            return SECTIONS.treeToValue(node, type);
        } catch (Exception e) {
            throw new ModelLoadException(
                    "manifest of model '" + name + "' has an invalid '" + key + "' section: " + e.getMessage(), e);
        }
    }

    /** Checks the fields every model needs, so a broken manifest fails at load rather than at the first request. */
    public ModelManifest validate() {
        require(name != null && !name.isBlank(), "name");
        require(family != null && !family.isBlank(), "family");
        require("onnx".equals(format), "format (only 'onnx' is supported, got '" + format + "')");
        require(files != null && !files.isEmpty(), "files");
        files.forEach((role, file) -> {
            require(file.path() != null && !file.path().isBlank(), "files." + role + ".path");
            require(file.sha256() != null && file.sha256().matches("[0-9a-f]{64}"), "files." + role + ".sha256");
        });
        require(limits != null && limits.maxTokens() > 0, "limits.maxTokens");
        require(license != null && !license.isBlank(), "license");
        return this;
    }

    private void require(boolean ok, String what) {
        if (!ok) {
            throw new ModelLoadException("manifest of model '" + name + "' is missing or has an invalid " + what);
        }
    }
}
