package dev.tessera.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceProcess;
import dev.tessera.orchestrator.grpc.v1.AdminGrpc;
import dev.tessera.orchestrator.grpc.v1.Budget;
import dev.tessera.orchestrator.grpc.v1.CreateApiKeyRequest;
import dev.tessera.orchestrator.grpc.v1.CreateTenantRequest;
import dev.tessera.orchestrator.grpc.v1.GetSpendRequest;
import dev.tessera.orchestrator.grpc.v1.ListBackendsRequest;
import dev.tessera.orchestrator.grpc.v1.ListBudgetsRequest;
import dev.tessera.orchestrator.grpc.v1.OrchestratorGrpc;
import dev.tessera.orchestrator.grpc.v1.Period;
import dev.tessera.orchestrator.grpc.v1.SetBudgetRequest;
import dev.tessera.orchestrator.mesh.MeshClient;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An orchestrator killed with -9 while it holds reservations: they are never committed, and the next orchestrator on
 * the same ledger returns their money when their leases run out. Both orchestrators are the packaged jar, run as
 * processes, against a real LLM.
 */
class LeaseExpiryIT {

    private static final String ADMIN = "lease-test-admin";

    @Test
    void reservations_of_a_killed_orchestrator_expire_and_return_their_money() throws Exception {
        Path ledger = Files.createTempDirectory("tessera-lease").resolve("ledger");
        try (ServiceProcess llm = ServiceProcess.start("llm", "services/llm", List.of("-Xmx384m"))) {
            llm.awaitReady(Duration.ofMinutes(3));
            List<String> config = new ArrayList<>(List.of(
                    "-Dtessera.orchestrator.ledger.jdbc-url=jdbc:h2:file:" + ledger,
                    "-Dtessera.orchestrator.auth.admin-key=" + ADMIN,
                    "-Dtessera.orchestrator.ledger.lease-margin=1s",
                    "-Dtessera.orchestrator.ledger.expiry-interval=1s",
                    "-Dtessera.orchestrator.health.interval=1s",
                    "-Dtessera.orchestrator.backends.stories15m.addresses=" + llm.address(),
                    "-Dtessera.orchestrator.backends.stories15m.timeout=6s",
                    "-Dtessera.orchestrator.backends.stories15m.max-retries=0",
                    "-Dtessera.orchestrator.backends.tool-llm.addresses=" + llm.address()));
            String key;
            try (ServiceProcess first = ServiceProcess.start("orchestrator-a", "services/orchestrator", config)) {
                first.awaitReady(Duration.ofMinutes(2));
                var admin = MeshClient.withKey(AdminGrpc.newBlockingStub(first.channel()), ADMIN);
                admin.createTenant(
                        CreateTenantRequest.newBuilder().setId("acme").build());
                admin.setBudget(SetBudgetRequest.newBuilder()
                        .setTenant("acme")
                        .setPeriod(Period.PERIOD_TOTAL)
                        .setLimitMicros(1_000_000)
                        .build());
                key = admin.createApiKey(CreateApiKeyRequest.newBuilder()
                                .setTenant("acme")
                                .build())
                        .getKey();
                awaitBackend(first);

                // two long streams hold reservations; the orchestrator dies in the middle of them
                List<CountDownLatch> streaming = List.of(new CountDownLatch(1), new CountDownLatch(1));
                for (CountDownLatch started : streaming) {
                    MeshClient.withKey(TextGenerationGrpc.newStub(first.channel()), key)
                            .generateStream(
                                    GenerateStreamRequest.newBuilder()
                                            .setRequest(RoutingTest.story("stories15m", 256))
                                            .build(),
                                    new StreamObserver<>() {
                                        @Override
                                        public void onNext(GenerateStreamResponse m) {
                                            started.countDown();
                                        }

                                        @Override
                                        public void onError(Throwable t) {}

                                        @Override
                                        public void onCompleted() {}
                                    });
                }
                for (CountDownLatch started : streaming) {
                    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
                }
                Budget held = admin.listBudgets(ListBudgetsRequest.newBuilder()
                                .setTenant("acme")
                                .build())
                        .getBudgets(0);
                assertThat(held.getReservedMicros()).isPositive();
                first.kill();
            }

            try (ServiceProcess second = ServiceProcess.start("orchestrator-b", "services/orchestrator", config)) {
                second.awaitReady(Duration.ofMinutes(2));
                var admin = MeshClient.withKey(AdminGrpc.newBlockingStub(second.channel()), ADMIN);
                Budget budget = null;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < until) {
                    budget = admin.listBudgets(ListBudgetsRequest.newBuilder()
                                    .setTenant("acme")
                                    .build())
                            .getBudgets(0);
                    if (budget.getReservedMicros() == 0) {
                        break;
                    }
                    Thread.sleep(250);
                }
                assertThat(budget.getReservedMicros())
                        .as("money still held: %s", budget)
                        .isZero();
                // the killed orchestrator never committed: nothing was charged, the whole budget is there again
                assertThat(budget.getSpentMicros()).isZero();
                assertThat(admin.getSpend(GetSpendRequest.newBuilder()
                                        .setTenant("acme")
                                        .build())
                                .getRowsList())
                        .isEmpty();
            }
        }
    }

    private static void awaitBackend(ServiceProcess orchestrator) throws InterruptedException {
        var stub = OrchestratorGrpc.newBlockingStub(orchestrator.channel());
        for (int i = 0; i < 100; i++) {
            boolean up = stub.listBackends(ListBackendsRequest.getDefaultInstance()).getBackendsList().stream()
                    .anyMatch(b -> b.getName().equals("stories15m") && b.getHealthy());
            if (up) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("stories15m never became healthy");
    }
}
