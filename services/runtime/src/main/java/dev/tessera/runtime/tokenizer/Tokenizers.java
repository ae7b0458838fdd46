package dev.tessera.runtime.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tessera.runtime.model.ModelLoadException;
import dev.tessera.runtime.model.ModelLocator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Loads HuggingFace {@code tokenizer.json} files through DJL, with DJL forced offline first: no hub download and no
 * telemetry call (which would go to the EC2 metadata address). Every tokenizer in Tessera comes through here.
 */
public final class Tokenizers {

    static {
        forceOffline();
    }

    private Tokenizers() {}

    /**
     * Sets DJL's offline and tracking opt-out switches. Idempotent, and called before any DJL class loads; services
     * also set them on the command line so that no other path into DJL can miss them.
     */
    public static void forceOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * Loads a model's verified tokenizer the way encoders read text: special tokens added, truncated to
     * {@code maxTokens} (special tokens included), and reporting when it truncated, so callers can refuse over-long
     * input instead of silently cutting it.
     */
    public static HuggingFaceTokenizer load(ModelLocator.LocatedModel model, int maxTokens) {
        return create(
                model.manifest().name(),
                model.readVerified("tokenizer"),
                Map.of(
                        "addSpecialTokens", "true",
                        "truncation", "true",
                        "padding", "false",
                        "maxLength", Integer.toString(maxTokens),
                        "modelMaxLength", Integer.toString(maxTokens)));
    }

    /**
     * Creates a tokenizer from a verified {@code tokenizer.json}, offline, with DJL's options (decoders, for example,
     * add their own special tokens and never truncate).
     *
     * @throws ModelLoadException naming the model when the file is not a tokenizer DJL can load
     */
    public static HuggingFaceTokenizer create(String modelName, byte[] json, Map<String, String> options) {
        forceOffline();
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load tokenizer of model '" + modelName + "': " + e.getMessage(), e);
        }
    }
}
