package dev.tessera.orchestrator.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.orchestrator.tracing.Traces.Trace;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default: the orchestrator records and exports nothing, yet a client's trace context still reaches the family
 * it calls (here an LLM with tracing on, whose spans carry the client's trace id).
 */
@QuarkusTest
@TestProfile(TraceContextTest.Off.class)
class TraceContextTest {

    /** The orchestrator's tracing as shipped; only its generation backends change, to the traced LLM. */
    public static class Off implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Resource.class));
        }
    }

    /** Config for {@link Off}: the backends, and the collector's address, which tracing off must not use. */
    public static class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(TracedMesh.backends());
            config.put(
                    "quarkus.otel.exporter.otlp.endpoint",
                    TracedMesh.collector().endpoint());
            config.put("quarkus.otel.bsp.schedule.delay", "100ms");
            return config;
        }

        @Override
        public void stop() {}
    }

    @Test
    void with_tracing_off_the_orchestrator_exports_nothing_and_passes_the_trace_on() throws Exception {
        OtlpCollector collector = TracedMesh.collector();
        try (MeshClient client = new MeshClient()) {
            for (Trace trace : Traces.eachWayIn(client)) {
                assertThat(Traces.within(() -> collector.received("tessera-llm", trace.id())))
                        .as("the LLM's spans of %s", trace.traceparent())
                        .isTrue();
            }
            assertThat(collector.receivedFrom("tessera-orchestrator")).isFalse();
        }
    }
}
