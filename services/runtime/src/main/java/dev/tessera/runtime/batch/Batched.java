package dev.tessera.runtime.batch;

/**
 * One item's output and what it cost, so a family can fill {@code Usage} and callers can see batching at work.
 *
 * @param value the item's output
 * @param queueNanos how long the item waited before its batch started
 * @param computeNanos the item's share of its batch's run time
 * @param batchSize how many items ran together
 */
public record Batched<O>(O value, long queueNanos, long computeNanos, int batchSize) {}
