package dev.tessera.orchestrator.backend;

import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.pricing.Prices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Backends for unit tests: real registry and guards, channels that are never used, health set by hand. */
public final class TestBackends {

    private TestBackends() {}

    public static BackendSpec spec(
            String name, String family, Set<Capability> caps, int tier, long inPer1k, long outPer1k, long perItem) {
        return new BackendSpec(
                name,
                family,
                Contract.ofFamily(family).orElseThrow(),
                name,
                List.of("localhost:" + (10_000 + Math.floorMod(name.hashCode(), 50_000))),
                caps,
                new Prices(inPer1k, outPer1k, perItem, 0, 0, 0),
                tier,
                4,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                2,
                Duration.ofMillis(10),
                10,
                0.5,
                Duration.ofSeconds(5));
    }

    public static BackendRegistry registry(List<BackendSpec> specs) {
        return new BackendRegistry(
                specs,
                new OrchestratorConfig.Health() {
                    @Override
                    public Duration interval() {
                        return Duration.ofSeconds(2);
                    }

                    @Override
                    public Duration timeout() {
                        return Duration.ofSeconds(1);
                    }

                    @Override
                    public Duration latencyWindow() {
                        return Duration.ofSeconds(30);
                    }
                },
                List.of());
    }

    /** Marks every address serving every backend's model, with this context length. */
    public static void allServing(BackendRegistry registry, int context) {
        for (Backend b : registry.all()) {
            for (Endpoint e : b.endpoints()) {
                e.probed(true, "serving", Map.of(b.model(), new ModelFacts(context, 0)));
            }
        }
    }

    /** Marks one backend's addresses down. */
    public static void down(BackendRegistry registry, String name) {
        for (Endpoint e : registry.find(name).orElseThrow().endpoints()) {
            e.probed(false, "UNAVAILABLE: connection refused", Map.of());
        }
    }
}
