package dev.tessera.orchestrator.mesh;

import dev.tessera.conformance.ServiceProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real mesh for the orchestrator's tests: the MLM, LLM and SLM started from their packaged jars, in parallel, and
 * the orchestrator's backends pointed at them. Started once per test JVM for every test class that uses it.
 */
public class MeshResource implements QuarkusTestResourceLifecycleManager {

    /** The running services, by name, for tests that need to reach one directly. */
    public static final Map<String, ServiceProcess> RUNNING = new HashMap<>();

    @Override
    public Map<String, String> start() {
        try {
            ServiceProcess llm = ServiceProcess.start("llm", "services/llm", List.of("-Xmx384m"));
            ServiceProcess slm = ServiceProcess.start("slm", "services/slm", List.of("-Xmx256m"));
            ServiceProcess mlm = ServiceProcess.start(
                    "mlm",
                    "services/mlm",
                    List.of(
                            "-Xmx512m",
                            "-Dtessera.mlm.models=e5-small-v2-q8,bge-small-en-v1.5-q8,all-minilm-l6-v2-q8"));
            for (ServiceProcess p : List.of(llm, slm, mlm)) {
                p.awaitReady(Duration.ofMinutes(3));
                RUNNING.put(p.name(), p);
            }
            Map<String, String> config = new HashMap<>();
            for (String b : List.of("stories15m", "tool-llm")) {
                config.put(addresses(b), llm.address());
            }
            for (String b : List.of("stories15m-q8", "tool-slm")) {
                config.put(addresses(b), slm.address());
            }
            config.put(addresses("e5-small-v2-q8"), mlm.address());
            // the two other embedders the MLM ships, served here so that embeddings have a choice
            embedder(config, "bge-small-en-v1.5-q8", mlm, 2, 2);
            embedder(config, "all-minilm-l6-v2-q8", mlm, 1, 1);
            config.put("tessera.orchestrator.health.interval", "1s");
            return config;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("the test mesh did not start: " + e.getMessage(), e);
        }
    }

    private static void embedder(Map<String, String> config, String name, ServiceProcess mlm, int tier, int price) {
        String prefix = addresses(name).replace(".addresses", ".");
        config.put(prefix + "family", "mlm");
        config.put(prefix + "addresses", mlm.address());
        config.put(prefix + "capabilities", "embed");
        config.put(prefix + "quality-tier", Integer.toString(tier));
        config.put(prefix + "prices.input-per1k-tokens", Integer.toString(price));
    }

    /** The key of a backend's addresses; a name with a dot is quoted, as in application.properties. */
    public static String addresses(String backend) {
        String name = backend.contains(".") ? "\"" + backend + "\"" : backend;
        return "tessera.orchestrator.backends." + name + ".addresses";
    }

    @Override
    public void stop() {
        for (ServiceProcess p : RUNNING.values()) {
            try {
                p.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RUNNING.clear();
    }
}
