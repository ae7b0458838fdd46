package dev.tessera.orchestrator.tracing;

import dev.tessera.conformance.ServiceProcess;
import dev.tessera.orchestrator.mesh.MeshResource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An LLM process with tracing on, exporting to an in-test {@link OtlpCollector}: shared by the tracing tests, started
 * once per test JVM and stopped when it exits.
 */
final class TracedMesh {

    private static OtlpCollector collector;
    private static ServiceProcess llm;

    private TracedMesh() {}

    /** Tracing on, exporting to {@code endpoint} every 100 ms (the default waits 5 s). */
    static List<String> tracingOn(String endpoint) {
        return List.of(
                "-Dquarkus.otel.sdk.disabled=false",
                "-Dquarkus.otel.exporter.otlp.endpoint=" + endpoint,
                "-Dquarkus.otel.bsp.schedule.delay=100ms");
    }

    static synchronized OtlpCollector collector() {
        start();
        return collector;
    }

    /** The orchestrator's backends stories15m and tool-llm pointed at the traced LLM. */
    static synchronized Map<String, String> backends() {
        start();
        return Map.of(
                MeshResource.addresses("stories15m"),
                llm.address(),
                MeshResource.addresses("tool-llm"),
                llm.address(),
                "tessera.orchestrator.health.interval",
                "1s");
    }

    private static void start() {
        if (llm != null) {
            return;
        }
        try {
            collector = new OtlpCollector();
            List<String> args = new java.util.ArrayList<>(List.of("-Xmx384m"));
            args.addAll(tracingOn(collector.endpoint()));
            llm = ServiceProcess.start("llm-traced", "services/llm", args).awaitReady(Duration.ofMinutes(3));
        } catch (IOException e) {
            throw new IllegalStateException("the traced LLM did not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the traced LLM started", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                llm.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            collector.close();
        }));
    }
}
