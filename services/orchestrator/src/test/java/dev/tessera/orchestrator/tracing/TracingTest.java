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
 * Tracing turned on by config, in the orchestrator and in the LLM behind it: a client's trace reaches the collector
 * from both, by every way in (gRPC unary and streamed, REST).
 */
@QuarkusTest
@TestProfile(TracingTest.On.class)
class TracingTest {

    /** The orchestrator exports to the test's collector; its generation backends are the traced LLM. */
    public static class On implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Resource.class));
        }
    }

    /** Config for {@link On}. */
    public static class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(TracedMesh.backends());
            for (String arg : TracedMesh.tracingOn(TracedMesh.collector().endpoint())) {
                String[] kv = arg.substring(2).split("=", 2);
                config.put(kv[0], kv[1]);
            }
            return config;
        }

        @Override
        public void stop() {}
    }

    @Test
    void a_clients_trace_is_exported_by_the_orchestrator_and_by_the_family_it_called() throws Exception {
        OtlpCollector collector = TracedMesh.collector();
        try (MeshClient client = new MeshClient()) {
            for (Trace trace : Traces.eachWayIn(client)) {
                assertThat(Traces.within(() -> collector.received("tessera-orchestrator", trace.id())))
                        .as("the orchestrator's spans of %s", trace.traceparent())
                        .isTrue();
                assertThat(Traces.within(() -> collector.received("tessera-llm", trace.id())))
                        .as("the LLM's spans of %s", trace.traceparent())
                        .isTrue();
            }
        }
    }
}
