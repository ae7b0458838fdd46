package dev.tessera.benchmark;

import org.HdrHistogram.Histogram;

/**
 * One measured configuration.
 *
 * @param label what ran
 * @param itemsPerSecond texts embedded per second
 * @param p50Millis median latency of one call
 * @param p99Millis 99th-percentile latency of one call
 * @param calls calls measured
 */
record Stats(String label, double itemsPerSecond, double p50Millis, double p99Millis, long calls) {

    static Stats of(String label, long items, long nanos, Histogram micros) {
        return new Stats(
                label,
                items / (nanos / 1e9),
                micros.getValueAtPercentile(50) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0,
                micros.getTotalCount());
    }
}
