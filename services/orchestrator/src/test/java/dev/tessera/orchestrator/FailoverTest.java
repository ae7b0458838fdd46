package dev.tessera.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceProcess;
import dev.tessera.orchestrator.grpc.v1.ListBackendsRequest;
import dev.tessera.orchestrator.grpc.v1.OrchestratorGrpc;
import dev.tessera.orchestrator.grpc.v1.Outcome;
import dev.tessera.orchestrator.grpc.v1.Receipt;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateRequest;
import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.orchestrator.mesh.MeshResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Killing backend processes under load. Two SLM processes serve the cheap models and one LLM the dear ones: kill -9 one
 * SLM and its twin takes every call; kill the other and the router falls back to the LLM. No request fails.
 */
@QuarkusTest
@TestProfile(FailoverTest.TwoSlms.class)
class FailoverTest {

    /** slm-a and slm-b behind the same two backends, and an llm to fall back to. */
    public static class TwoSlms implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Mesh.class));
        }
    }

    /** The failover mesh. */
    public static class Mesh implements QuarkusTestResourceLifecycleManager {
        static final Map<String, ServiceProcess> RUNNING = new HashMap<>();

        @Override
        public Map<String, String> start() {
            try {
                ServiceProcess a = ServiceProcess.start("slm-a", "services/slm", List.of("-Xmx256m"));
                ServiceProcess b = ServiceProcess.start("slm-b", "services/slm", List.of("-Xmx256m"));
                ServiceProcess llm = ServiceProcess.start("llm", "services/llm", List.of("-Xmx384m"));
                for (ServiceProcess p : List.of(a, b, llm)) {
                    RUNNING.put(p.name(), p.awaitReady(Duration.ofMinutes(3)));
                }
                Map<String, String> config = new HashMap<>();
                for (String backend : List.of("stories15m-q8", "tool-slm")) {
                    config.put(MeshResource.addresses(backend), a.address() + "," + b.address());
                }
                for (String backend : List.of("stories15m", "tool-llm")) {
                    config.put(MeshResource.addresses(backend), llm.address());
                }
                config.put("tessera.orchestrator.health.interval", "1s");
                return config;
            } catch (Exception e) {
                stop();
                throw new IllegalStateException("the failover mesh did not start: " + e.getMessage(), e);
            }
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

    @Test
    void killing_backends_under_load_fails_no_request_that_another_backend_can_serve() throws Exception {
        try (MeshClient client = new MeshClient()) {
            client.awaitHealthy(List.of("stories15m-q8", "stories15m"), Duration.ofSeconds(30));
            var stub = OrchestratorGrpc.newBlockingStub(client.channel());
            RoutedGenerateRequest request = RoutedGenerateRequest.newBuilder()
                    .setRequest(RoutingTest.story("", 12))
                    .build();

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger served = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Receipt> receipts = new ConcurrentLinkedQueue<>();
            List<Thread> load = new ArrayList<>();
            // as many clients as the LLM has generation slots (4), so that it alone can serve them all at the end
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            receipts.add(stub.generate(request).getReceipt());
                            served.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                t.start();
                load.add(t);
            }
            Thread.sleep(2_000);
            int beforeKill = served.get();
            Mesh.RUNNING.get("slm-a").kill();
            Thread.sleep(3_000);
            int afterFirstKill = served.get();
            Mesh.RUNNING.get("slm-b").kill();
            Thread.sleep(4_000);
            running.set(false);
            for (Thread t : load) {
                t.join();
            }

            assertThat(failures).isEmpty();
            assertThat(beforeKill).isPositive();
            assertThat(afterFirstKill).isGreaterThan(beforeKill);
            assertThat(served.get()).isGreaterThan(afterFirstKill);
            // after both SLMs died, calls were answered by the LLM: some after a failed attempt on the SLM, the rest
            // after the health probe had already taken the SLM out
            assertThat(receipts).anySatisfy(r -> {
                assertThat(r.getAttemptsList())
                        .anyMatch(
                                x -> x.getBackend().equals("stories15m") && x.getOutcome() == Outcome.OUTCOME_ANSWERED);
                assertThat(r.getAttemptsList())
                        .anyMatch(x ->
                                x.getBackend().equals("stories15m-q8") && x.getOutcome() == Outcome.OUTCOME_SKIPPED);
            });
            assertThat(OrchestratorGrpc.newBlockingStub(client.channel())
                            .listBackends(ListBackendsRequest.getDefaultInstance())
                            .getBackendsList())
                    .filteredOn(b -> b.getName().equals("stories15m-q8"))
                    .singleElement()
                    .satisfies(b -> assertThat(b.getHealthy()).isFalse());
        }
    }
}
