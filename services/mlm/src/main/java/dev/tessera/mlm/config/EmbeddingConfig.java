package dev.tessera.mlm.config;

import dev.tessera.runtime.config.BatchingConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Settings of the embedding service, under {@code tessera.mlm}. */
@ConfigMapping(prefix = "tessera.mlm")
public interface EmbeddingConfig {

    /**
     * The models to load at startup, by manifest name. Each costs memory and startup time, so production loads only
     * what it routes to.
     */
    @WithDefault("e5-small-v2-q")
    List<String> models();

    /** The model used when a request names none; the first of {@link #models()} when unset. */
    Optional<String> defaultModel();

    /** The most inputs one request may carry, so one caller cannot monopolise the batcher. */
    @WithDefault("256")
    int maxInputs();

    /**
     * The most characters one input may have. Tokenizing is linear in length, so this bounds the work done before
     * the token limit can be checked.
     */
    @WithDefault("32768")
    int maxInputChars();

    /** How requests are batched onto each model. */
    BatchingConfig batching();
}
