package dev.tessera.platform.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident and peak resident memory, as Prometheus' own process collector names them
 * ({@code process_resident_memory_bytes}, plus {@code process_resident_memory_peak_bytes}). JVM metrics show the heap
 * only; a model service's native memory (ONNX Runtime's arenas and buffers, tokenizers) is the larger part and the one
 * a pod's memory limit kills for, so it is what an operator must watch. Linux only (read from {@code /proc/self/status});
 * elsewhere the gauges read NaN.
 */
@Singleton
public class ResidentMemoryMetrics implements MeterBinder {

    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("process.resident.memory", () -> read("VmRSS:"))
                .description("Resident set size of the process")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("process.resident.memory.peak", () -> read("VmHWM:"))
                .description("Peak resident set size of the process since it started")
                .baseUnit("bytes")
                .register(registry);
    }

    /** A {@code kB} field of {@code /proc/self/status} in bytes, or NaN where there is none. */
    static double read(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length())
                                    .replace("kB", "")
                                    .trim())
                            * 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
