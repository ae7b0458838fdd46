package dev.tessera.runtime.batch;

import java.time.Duration;

/**
 * How a {@link MicroBatcher} forms batches.
 *
 * @param maxBatchSize the most items in one model run; 1 turns batching off
 * @param maxQueueDelay how long the first item of a batch may wait for more, under load
 * @param queueCapacity items that may wait; beyond it submissions are refused at once
 * @param workers threads running batches
 */
public record BatchPolicy(int maxBatchSize, Duration maxQueueDelay, int queueCapacity, int workers) {

    public BatchPolicy {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max-batch-size must be at least 1, got " + maxBatchSize);
        }
        if (maxQueueDelay == null || maxQueueDelay.isNegative()) {
            throw new IllegalArgumentException("max-queue-delay must be zero or positive, got " + maxQueueDelay);
        }
        if (queueCapacity < maxBatchSize) {
            throw new IllegalArgumentException(
                    "queue-capacity (" + queueCapacity + ") must be at least max-batch-size (" + maxBatchSize + ")");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }
}
