package dev.tessera.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.conformance.ServiceProcess;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.orchestrator.grpc.v1.AdminGrpc;
import dev.tessera.orchestrator.grpc.v1.AgentGrpc;
import dev.tessera.orchestrator.grpc.v1.CreateApiKeyRequest;
import dev.tessera.orchestrator.grpc.v1.CreateTenantRequest;
import dev.tessera.orchestrator.grpc.v1.Policy;
import dev.tessera.orchestrator.grpc.v1.Routing;
import dev.tessera.orchestrator.grpc.v1.RunAgentRequest;
import dev.tessera.orchestrator.grpc.v1.RunEnd;
import dev.tessera.orchestrator.grpc.v1.RunEvent;
import dev.tessera.orchestrator.grpc.v1.RunState;
import dev.tessera.orchestrator.memory.Vectors;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The agent loop end to end through the orchestrator, on the 240 held-out multi-step tasks of
 * models/forge/eval/agent-tasks.jsonl (written apart from the forge's corpus), in four configurations run in the same
 * mesh: the cascade without procedural memory; the cascade recalling recipes (each task run after a sibling task of
 * its shape in the same tenant, whose successful run leaves a recipe; the sibling's facts are deleted before the task
 * runs, so that only procedural memory carries over); tool-llm alone; and tool-slm alone. For each: task success,
 * steps and cost, per shape. And the loop's own overhead per step: a step's wall time less its model call and its tool
 * call, from the orchestrator's metrics.
 *
 * <p>The world is seeded apart from any model: a task's facts are embedded by the MLM (as passages, as
 * {@code remember} stores them) and written into the tenant's memory rows directly.
 *
 * <p>Usage: {@code bin/benchmark agent}; needs PostgreSQL at 127.0.0.1:5432 (tessera.bench.postgres-url). Options
 * ({@code BENCH_JAVA_OPTS}): {@code -Dtessera.bench.tasks=N} runs the first N tasks, {@code
 * -Dtessera.bench.configs=0,2} only those configurations (by index, as listed above), and {@code
 * -Dtessera.bench.orchestrator-props=key=value,...} sets orchestrator properties, e.g. the cascade's threshold.
 */
public final class AgentBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "bench-admin-key";

    private AgentBenchmark() {}

    record Task(
            String id,
            String shape,
            String goal,
            List<String> tools,
            List<String> seed,
            List<String> answer,
            List<String> remembered,
            int maxSteps) {}

    record Result(Task task, boolean success, int steps, long charged, boolean hinted, double seconds, String why) {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("tessera.root", "."))
                .toAbsolutePath()
                .normalize();
        Path target = root.resolve("tests/benchmark/target/agent");
        Files.createDirectories(target);
        List<Task> tasks = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("models/forge/eval/agent-tasks.jsonl"))) {
            JsonNode t = JSON.readTree(line);
            tasks.add(new Task(
                    t.get("id").asText(),
                    t.get("shape").asText(),
                    t.get("goal").asText(),
                    strings(t.get("tools")),
                    strings(t.get("seed")),
                    strings(t.get("answer")),
                    strings(t.get("remembered")),
                    t.get("max_steps").asInt()));
        }
        int limit = Integer.getInteger("tessera.bench.tasks", tasks.size());
        tasks = tasks.subList(0, Math.min(limit, tasks.size()));
        line(
                "# Agent loop, %s, %d cores, %d held-out multi-step tasks",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), tasks.size());

        String pg = OrchestratorBenchmark.postgresSchema();
        try (ServiceProcess llm = ServiceProcess.start("llm", jar(root, "llm"), List.of("-Xmx384m"), target);
                ServiceProcess slm = ServiceProcess.start("slm", jar(root, "slm"), List.of("-Xmx256m"), target);
                ServiceProcess mlm = ServiceProcess.start("mlm", jar(root, "mlm"), List.of("-Xmx512m"), target)) {
            for (ServiceProcess p : List.of(llm, slm, mlm)) {
                p.awaitReady(Duration.ofMinutes(3));
            }
            List<String> mesh = new ArrayList<>();
            mesh.add("-Dtessera.orchestrator.ledger.jdbc-url=" + pg);
            mesh.add("-Dtessera.orchestrator.ledger.username=postgres");
            mesh.add("-Dtessera.orchestrator.auth.admin-key=" + ADMIN);
            mesh.add("-Dtessera.orchestrator.health.interval=1s");
            for (String b : List.of("stories15m", "tool-llm")) {
                mesh.add("-Dtessera.orchestrator.backends." + b + ".addresses=" + llm.address());
            }
            for (String b : List.of("stories15m-q8", "tool-slm")) {
                mesh.add("-Dtessera.orchestrator.backends." + b + ".addresses=" + slm.address());
            }
            mesh.add("-Dtessera.orchestrator.backends.e5-small-v2-q8.addresses=" + mlm.address());
            for (String prop :
                    System.getProperty("tessera.bench.orchestrator-props", "").split(",")) {
                if (!prop.isBlank()) {
                    mesh.add("-D" + prop.strip());
                }
            }
            try (ServiceProcess orchestrator =
                    ServiceProcess.start("orchestrator", jar(root, "orchestrator"), mesh, target)) {
                orchestrator.awaitReady(Duration.ofMinutes(2));
                Thread.sleep(2_000);
                Bench bench = new Bench(orchestrator, mlm, pg);
                Map<String, List<Result>> results = new LinkedHashMap<>();
                Map<String, Double> overhead = new LinkedHashMap<>();
                Map<String, Double> modelTime = new LinkedHashMap<>();
                Routing cascade =
                        Routing.newBuilder().setPolicy(Policy.POLICY_CASCADE).build();
                Routing strong = Routing.newBuilder()
                        .setPolicy(Policy.POLICY_CHEAPEST_CAPABLE)
                        .setMinQualityTier(3)
                        .build();
                // the cheapest capable model for a tool call is tool-slm: the cascade's other end
                Routing cheap = Routing.newBuilder()
                        .setPolicy(Policy.POLICY_CHEAPEST_CAPABLE)
                        .build();
                String[] names = {
                    "cascade, no recipes",
                    "cascade, recipes recalled",
                    "tool-llm alone, no recipes",
                    "tool-slm alone, no recipes"
                };
                // warm-up, untimed: the JIT and the connection pools, so that the first configuration is not charged
                for (Task t : tasks.subList(0, Math.min(10, tasks.size()))) {
                    bench.run(bench.tenant(), t, cascade, false);
                }
                Set<String> chosen = new HashSet<>();
                for (String index :
                        System.getProperty("tessera.bench.configs", "0,1,2,3").split(",")) {
                    chosen.add(names[Integer.parseInt(index.strip())]);
                }
                for (String name : names) {
                    if (!chosen.contains(name)) {
                        continue;
                    }
                    Map<String, Double> before = bench.metrics();
                    List<Result> rs = new ArrayList<>();
                    for (int i = 0; i < tasks.size(); i++) {
                        Task t = tasks.get(i);
                        if (name.equals(names[1])) {
                            Task sibling = sibling(tasks, i);
                            String tenant = bench.tenant();
                            bench.run(tenant, sibling, cascade, true);
                            // the sibling's facts (seeded and remembered) would answer the task's searches: only
                            // its recipe, procedural memory, is meant to carry over
                            bench.forgetFacts(tenant);
                            rs.add(bench.run(tenant, t, cascade, true));
                        } else {
                            Routing routing = name.equals(names[0]) ? cascade : name.equals(names[2]) ? strong : cheap;
                            rs.add(bench.run(bench.tenant(), t, routing, false));
                        }
                    }
                    Map<String, Double> after = bench.metrics();
                    results.put(name, rs);
                    double steps = delta(before, after, "tessera_agent_step_seconds_count");
                    double stepTime = delta(before, after, "tessera_agent_step_seconds_sum");
                    double model = delta(before, after, "tessera_orchestrator_backend_latency_seconds_sum");
                    double tools = delta(before, after, "tessera_agent_tool_seconds_sum");
                    overhead.put(name, steps == 0 ? 0 : (stepTime - model - tools) / steps * 1000);
                    modelTime.put(name, steps == 0 ? 0 : model / steps * 1000);
                    line("%s: done", name);
                }
                report(results, overhead, modelTime);
            }
        }
    }

    private static Task sibling(List<Task> tasks, int i) {
        Task t = tasks.get(i);
        for (int k = 1; k < tasks.size(); k++) {
            Task s = tasks.get((i + k) % tasks.size());
            if (s.shape().equals(t.shape())) {
                return s;
            }
        }
        return t;
    }

    /** The mesh as the benchmark drives it. */
    private static final class Bench {
        final ServiceProcess orchestrator;
        final ServiceProcess mlm;
        final String pg;
        final AdminGrpc.AdminBlockingStub admin;
        final Map<String, String> keys = new LinkedHashMap<>();

        Bench(ServiceProcess orchestrator, ServiceProcess mlm, String pg) {
            this.orchestrator = orchestrator;
            this.mlm = mlm;
            this.pg = pg;
            this.admin = withKey(AdminGrpc.newBlockingStub(orchestrator.channel()), ADMIN);
        }

        String tenant() {
            String id = "bench-" + UUID.randomUUID().toString().substring(0, 8);
            admin.createTenant(CreateTenantRequest.newBuilder().setId(id).build());
            keys.put(
                    id,
                    admin.createApiKey(CreateApiKeyRequest.newBuilder()
                                    .setTenant(id)
                                    .setName("bench")
                                    .build())
                            .getKey());
            return id;
        }

        /** Deletes the tenant's semantic memory, keeping its runs and recipes. */
        void forgetFacts(String tenant) throws Exception {
            try (Connection c = DriverManager.getConnection(pg, "postgres", "");
                    PreparedStatement s = c.prepareStatement("DELETE FROM memory_facts WHERE tenant_id = ?")) {
                s.setString(1, tenant);
                s.executeUpdate();
            }
        }

        /** Writes a task's facts into the tenant's memory, embedded by the MLM as remember would. */
        void seed(String tenant, Task t) throws Exception {
            if (t.seed().isEmpty()) {
                return;
            }
            var vectors = EmbeddingGrpc.newBlockingStub(mlm.channel())
                    .embed(EmbedRequest.newBuilder()
                            .addAllInputs(t.seed())
                            .setInputType(InputType.INPUT_TYPE_PASSAGE)
                            .setNormalize(true)
                            .setTruncate(true)
                            .setModel("e5-small-v2-q8")
                            .build());
            try (Connection c = DriverManager.getConnection(pg, "postgres", "");
                    PreparedStatement s = c.prepareStatement(
                            "INSERT INTO memory_facts (id, tenant_id, fact,"
                                    + " embedder, vector, run_id, created_at) VALUES (?, ?, ?, 'e5-small-v2-q8', ?, 'seed', ?)")) {
                for (int i = 0; i < t.seed().size(); i++) {
                    List<Float> values = vectors.getEmbeddings(i).getValuesList();
                    float[] v = new float[values.size()];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = values.get(j);
                    }
                    s.setString(1, UUID.randomUUID().toString());
                    s.setString(2, tenant);
                    s.setString(3, t.seed().get(i));
                    s.setBytes(4, Vectors.toBytes(v));
                    s.setLong(5, System.currentTimeMillis());
                    s.executeUpdate();
                }
            }
        }

        Result run(String tenant, Task t, Routing routing, boolean recall) throws Exception {
            seed(tenant, t);
            var agent = withKey(AgentGrpc.newBlockingStub(orchestrator.channel()), keys.get(tenant));
            long start = System.nanoTime();
            List<RunEvent> events = new ArrayList<>();
            agent.runAgent(RunAgentRequest.newBuilder()
                            .setGoal(t.goal())
                            .addAllTools(t.tools())
                            .setMaxSteps(t.maxSteps())
                            .setBudgetMicros(1_000_000)
                            .setRouting(routing)
                            .setRecallRecipes(recall)
                            .build())
                    .forEachRemaining(events::add);
            double seconds = (System.nanoTime() - start) / 1e9;
            RunEnd end = events.get(events.size() - 1).getEnd();
            boolean hinted = events.stream()
                    .anyMatch(e -> e.hasThought() && !e.getThought().getHint().isEmpty());
            String why = judge(t, end, events);
            if (!why.isEmpty()) {
                StringBuilder did = new StringBuilder();
                for (RunEvent e : events) {
                    if (e.hasAction()) {
                        did.append(did.length() == 0 ? "" : " -> ")
                                .append(e.getAction().getTool())
                                .append(e.getAction().getArgumentsJson());
                    }
                }
                why = why + " [" + did + "]";
            }
            return new Result(t, why.isEmpty(), end.getSteps(), end.getChargedMicros(), hinted, seconds, why);
        }

        Map<String, Double> metrics() throws Exception {
            // HTTP/1.1: the JDK client's default h2c upgrade misread a 4.5 MB metrics page from the shared port as an
            // HTTP/2 frame ("Frame type(106) ... exceeds MAX_FRAME_SIZE").
            String body = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + orchestrator.address() + "/q/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Map<String, Double> sums = new LinkedHashMap<>();
            for (String l : body.split("\n")) {
                if (l.startsWith("#") || l.isBlank()) {
                    continue;
                }
                String name = l.contains("{") ? l.substring(0, l.indexOf('{')) : l.substring(0, l.indexOf(' '));
                double v = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                sums.merge(name, v, Double::sum);
            }
            return sums;
        }
    }

    /** Empty when the run achieved its task; else why not. */
    static String judge(Task t, RunEnd end, List<RunEvent> events) {
        if (end.getState() != RunState.RUN_STATE_SUCCEEDED) {
            return end.getReason();
        }
        String answer = end.getAnswer().toLowerCase(Locale.ROOT);
        for (String a : t.answer()) {
            if (!answer.contains(a.toLowerCase(Locale.ROOT))) {
                return "answer lacks '" + a + "'";
            }
        }
        List<String> facts = new ArrayList<>();
        for (RunEvent e : events) {
            if (e.hasAction() && e.getAction().getTool().equals("remember")) {
                facts.add(e.getAction().getArgumentsJson().toLowerCase(Locale.ROOT));
            }
        }
        for (String r : t.remembered()) {
            if (facts.stream().noneMatch(f -> f.contains(r.toLowerCase(Locale.ROOT)))) {
                return "nothing remembered with '" + r + "'";
            }
        }
        return "";
    }

    private static void report(
            Map<String, List<Result>> results, Map<String, Double> overhead, Map<String, Double> modelTime) {
        line("");
        line("| configuration | success | mean steps | mean cost (µ$) | cost of a success (µ$) | recipe hint given"
                + " | model time per step (ms) | loop overhead per step (ms) | overhead ÷ model time |");
        line("|---|---|---|---|---|---|---|---|---|");
        for (var e : results.entrySet()) {
            List<Result> rs = e.getValue();
            long ok = rs.stream().filter(Result::success).count();
            double steps = rs.stream().mapToInt(Result::steps).average().orElse(0);
            double cost = rs.stream().mapToLong(Result::charged).average().orElse(0);
            double okCost = rs.stream()
                    .filter(Result::success)
                    .mapToLong(Result::charged)
                    .average()
                    .orElse(0);
            long hinted = rs.stream().filter(Result::hinted).count();
            double m = modelTime.get(e.getKey());
            double o = overhead.get(e.getKey());
            line(
                    "%s",
                    String.format(
                                    Locale.ROOT,
                                    "| %s | %d/%d (%.1f%%) | %.2f | %.1f | %.1f | %d |",
                                    e.getKey(),
                                    ok,
                                    rs.size(),
                                    100.0 * ok / rs.size(),
                                    steps,
                                    cost,
                                    okCost,
                                    hinted)
                            + String.format(Locale.ROOT, " %.2f | %.2f | %.2f |", m, o, m == 0 ? 0 : o / m));
        }
        line("");
        line("Success by shape:");
        line("");
        List<String> shapes = results.values().iterator().next().stream()
                .map(r -> r.task().shape())
                .distinct()
                .toList();
        StringBuilder head = new StringBuilder("| shape |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String name : results.keySet()) {
            head.append(' ').append(name).append(" |");
            rule.append("---|");
        }
        line(head.toString());
        line(rule.toString());
        for (String shape : shapes) {
            StringBuilder row = new StringBuilder("| " + shape + " |");
            for (List<Result> rs : results.values()) {
                List<Result> of =
                        rs.stream().filter(r -> r.task().shape().equals(shape)).toList();
                long ok = of.stream().filter(Result::success).count();
                row.append(String.format(Locale.ROOT, " %d/%d |", ok, of.size()));
            }
            line(row.toString());
        }
        line("");
        line("Why runs failed (cascade, no recipes; first 12):");
        results.values().iterator().next().stream()
                .filter(r -> !r.success())
                .limit(12)
                .forEach(r -> line("- %s (%s): %s", r.task().id(), r.task().shape(), r.why()));
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static <S extends AbstractStub<S>> S withKey(S stub, String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Path jar(Path root, String service) {
        return root.resolve("services/" + service + "/target/quarkus-app/quarkus-run.jar");
    }

    private static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
