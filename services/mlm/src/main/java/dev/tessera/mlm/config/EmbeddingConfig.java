package dev.tessera.mlm.config;

import dev.tessera.runtime.config.BatchingConfig;
import dev.tessera.runtime.serving.FamilyConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the embedding service, under {@code tessera.mlm}: the models and default it shares in shape with every
 * family ({@link FamilyConfig}), its request limits and its batching.
 */
@ConfigMapping(prefix = "tessera." + EmbeddingConfig.FAMILY)
public interface EmbeddingConfig extends FamilyConfig {

    /** The family's one name: directory {@code services/mlm}, config {@code tessera.mlm}, manifest family {@code mlm}. */
    String FAMILY = "mlm";

    /** The most inputs one request may carry, so one caller cannot monopolise the batcher. */
    @WithDefault("256")
    int maxInputs();

    /**
     * The most characters one input may have. Tokenizing is linear in length, so this bounds the work done before
     * the token limit can be checked.
     */
    @WithDefault("32768")
    int maxInputChars();

    /**
     * The most characters all of a request's inputs may have together. Tokenizing and the model's work grow with it,
     * so this, not inputs times characters per input (8 million at the defaults), bounds what one request can cost.
     */
    @WithDefault("262144")
    int maxRequestChars();

    /**
     * The most tokens, padding included, one ONNX Runtime run may hold; a batch with more is split into runs of
     * similar length. Attention memory grows with rows x length squared, so this bounds the working memory of one run
     * (about 300 MB for a 12-layer, 384-wide encoder at 512-token inputs) whatever the batch holds; vectors do not
     * depend on the split.
     */
    @WithDefault("4096")
    int maxRunTokens();

    /** How requests are batched onto each model. */
    BatchingConfig batching();
}
