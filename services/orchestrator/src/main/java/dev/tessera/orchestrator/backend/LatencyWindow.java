package dev.tessera.orchestrator.backend;

import java.util.Arrays;

/**
 * Recent call latencies of one backend, for its SLO: the 95th percentile of the calls in the last window. Old samples
 * age out, so a backend skipped for being slow is tried again once its slow calls are forgotten.
 */
final class LatencyWindow {

    private final long windowNanos;
    private final long[] at = new long[256];
    private final long[] millis = new long[256];
    private int next;
    private int size;

    LatencyWindow(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    synchronized void record(long nowNanos, long latencyMillis) {
        at[next] = nowNanos;
        millis[next] = latencyMillis;
        next = (next + 1) % at.length;
        size = Math.min(size + 1, at.length);
    }

    /** The 95th percentile of the window's calls in milliseconds, or -1 with fewer than 5 calls in it. */
    synchronized long p95(long nowNanos) {
        long[] recent = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (nowNanos - at[i] <= windowNanos) {
                recent[n++] = millis[i];
            }
        }
        if (n < 5) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(recent, n);
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(0.95 * n) - 1];
    }
}
