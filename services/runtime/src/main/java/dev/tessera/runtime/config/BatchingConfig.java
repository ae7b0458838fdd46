package dev.tessera.runtime.config;

import dev.tessera.runtime.batch.BatchPolicy;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Micro-batching settings, a group that each family's config embeds (for example {@code tessera.mlm.batching.*}), so
 * every family tunes its batcher with the same keys.
 */
public interface BatchingConfig {

    /** Whether to batch requests together. Off runs every item alone, which only makes sense for measuring. */
    @WithDefault("true")
    boolean enabled();

    /** The most items one model run takes. Larger batches amortise more but make the slowest item wait longer. */
    @WithDefault("32")
    int maxBatchSize();

    /**
     * How long the first item of a batch may wait for others. It is spent only under load: when recent batches held
     * a single item, the batcher runs at once instead.
     */
    @WithDefault("2ms")
    Duration maxQueueDelay();

    /** Items that may wait in the queue. When it is full, requests fail at once with RESOURCE_EXHAUSTED. */
    @WithDefault("1024")
    int queueCapacity();

    /** Threads that run batches; each runs one model call at a time. */
    @WithDefault("1")
    int workers();

    /** The policy these settings describe. */
    default BatchPolicy policy() {
        return new BatchPolicy(enabled() ? maxBatchSize() : 1, maxQueueDelay(), queueCapacity(), workers());
    }
}
