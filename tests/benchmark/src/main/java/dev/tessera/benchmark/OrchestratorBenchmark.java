package dev.tessera.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.conformance.ServiceProcess;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.orchestrator.accounts.Accounts;
import dev.tessera.orchestrator.grpc.v1.OrchestratorGrpc;
import dev.tessera.orchestrator.grpc.v1.Policy;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateRequest;
import dev.tessera.orchestrator.grpc.v1.RoutedGenerateResponse;
import dev.tessera.orchestrator.grpc.v1.Routing;
import dev.tessera.orchestrator.ledger.Budgets;
import dev.tessera.orchestrator.ledger.Charge;
import dev.tessera.orchestrator.ledger.Ledger;
import dev.tessera.orchestrator.ledger.LedgerDatabase;
import dev.tessera.orchestrator.ledger.Payer;
import dev.tessera.orchestrator.ledger.Period;
import dev.tessera.orchestrator.ledger.Reservation;
import dev.tessera.orchestrator.routing.CascadeJudge;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import dev.tessera.textgen.grpc.v1.Tool;
import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * What the orchestrator costs and saves, measured in one run on this machine:
 *
 * <ul>
 *   <li>the ledger: reserve→commit pairs per second on H2 and on PostgreSQL, one hot budget and spread over 16
 *       tenants, with the books checked after (nothing spent over a limit, the windows equal the entries);
 *   <li>added latency: the same Embed and short Generate, direct to the family service and through the orchestrator,
 *       interleaved so both see the same machine, p50 and p99;
 *   <li>the cascade against always-tool-llm on the forge's 300 held-out tool requests: cost and accuracy ratios, and
 *       the calibration curve of the threshold (accepted share against accuracy), then the chosen threshold run for
 *       real through the orchestrator.
 * </ul>
 *
 * Usage: {@code bin/benchmark orchestrator [seconds-per-point]}.
 */
public final class OrchestratorBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StringBuilder REPORT = new StringBuilder();
    /** Requests in flight against the ledger: the orchestrator's default bulkheads summed are of this order. */
    private static final int IN_FLIGHT = 64;

    private OrchestratorBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        Path root = Path.of(System.getProperty("tessera.root", "."))
                .toAbsolutePath()
                .normalize();
        Path target = root.resolve("tests/benchmark/target/orchestrator");
        Files.createDirectories(target);
        line(
                "# Orchestrator benchmark, %s, %d cores",
                LocalDate.now(), Runtime.getRuntime().availableProcessors());

        String only = System.getProperty("tessera.bench.only", "");
        if (!only.equals("overhead")) {
            ledger(target, seconds);
        }
        if (only.equals("ledger")) {
            return;
        }

        try (ServiceProcess llm = ServiceProcess.start("llm", jar(root, "llm"), List.of("-Xmx384m"), target);
                ServiceProcess slm = ServiceProcess.start("slm", jar(root, "slm"), List.of("-Xmx256m"), target);
                ServiceProcess mlm = ServiceProcess.start("mlm", jar(root, "mlm"), List.of("-Xmx512m"), target)) {
            for (ServiceProcess p : List.of(llm, slm, mlm)) {
                p.awaitReady(Duration.ofMinutes(3));
            }
            List<String> mesh = new ArrayList<>();
            mesh.add("-Dtessera.orchestrator.ledger.jdbc-url=jdbc:h2:file:"
                    + target.resolve("ledger-" + UUID.randomUUID()));
            mesh.add("-Dtessera.orchestrator.health.interval=1s");
            for (String b : List.of("stories15m", "tool-llm")) {
                mesh.add("-Dtessera.orchestrator.backends." + b + ".addresses=" + llm.address());
            }
            for (String b : List.of("stories15m-q8", "tool-slm")) {
                mesh.add("-Dtessera.orchestrator.backends." + b + ".addresses=" + slm.address());
            }
            mesh.add("-Dtessera.orchestrator.backends.e5-small-v2-q8.addresses=" + mlm.address());
            // extra options for the orchestrator's JVM only, such as a JFR recording to see where its time goes
            String opts =
                    System.getProperty("tessera.bench.orchestrator-opts", "").trim();
            List<String> profiled = new ArrayList<>(mesh);
            if (!opts.isEmpty()) {
                profiled.addAll(List.of(opts.split("\\s+")));
            }

            List<Outcome> outcomes;
            try (ServiceProcess orchestrator =
                    ServiceProcess.start("orchestrator", jar(root, "orchestrator"), profiled, target)) {
                orchestrator.awaitReady(Duration.ofMinutes(2));
                Thread.sleep(2_000); // a health probe round, so every backend is a candidate
                overhead(mlm, slm, orchestrator, seconds);
                if ("overhead".equals(System.getProperty("tessera.bench.only"))) {
                    return;
                }
                outcomes = heldOut(orchestrator);
            }
            double threshold = calibrate(outcomes);
            List<String> tuned = new ArrayList<>(mesh);
            tuned.add(String.format(
                    Locale.ROOT, "-Dtessera.orchestrator.routing.cascade.min-mean-logprob=%.6f", threshold));
            try (ServiceProcess orchestrator =
                    ServiceProcess.start("orchestrator-tuned", jar(root, "orchestrator"), tuned, target)) {
                orchestrator.awaitReady(Duration.ofMinutes(2));
                Thread.sleep(2_000);
                cascade(orchestrator, outcomes, threshold);
            }
        }
        Path report = target.resolve("report.md");
        Files.writeString(report, REPORT.toString());
        System.out.println("\nreport: " + report);
    }

    // ---- the ledger ----

    private static void ledger(Path target, double seconds) throws Exception {
        line("");
        line(
                "## Ledger: reserve→commit pairs per second, %d requests in flight, pool of 16, %.0f s per point",
                IN_FLIGHT, seconds);
        line("");
        line(
                "As the orchestrator uses it: each request waits for its reservation and goes on without waiting for its"
                        + " commit; a pair counts once its commit has landed. The budget cache and the commit linger at their defaults (1 s, 50 ms).");
        line("");
        line("| database | budgets | pairs/s | refused | spent ≤ limit | windows = entries |");
        line("|---|---|---:|---:|---|---|");
        // "h2" is the ledger as it runs (every commit written out before it returns); "h2-delayed" is H2's default
        // 500 ms write delay, which loses acknowledged commits when the process is killed: the cost of durability
        for (String db : List.of("h2", "h2-delayed", "postgresql")) {
            for (boolean hot : new boolean[] {true, false}) {
                String h2 = "jdbc:h2:file:" + target.resolve("bench-" + UUID.randomUUID());
                try (AgroalDataSource ds = db.equals("postgresql")
                        ? LedgerDatabase.open(postgresSchema(), "postgres", "", 16)
                        : LedgerDatabase.open(db.equals("h2") ? h2 : h2 + ";WRITE_DELAY=500", "", "", 16)) {
                    ledgerPoint(ds, db, hot, seconds);
                }
            }
        }
    }

    private static void ledgerPoint(AgroalDataSource ds, String db, boolean hot, double seconds) throws Exception {
        Accounts accounts = new Accounts(ds, System::currentTimeMillis);
        Budgets budgets = new Budgets(ds, System::currentTimeMillis);
        Ledger ledger = new Ledger(ds, System::currentTimeMillis, 2, 256, 1_000, 50);
        int tenants = hot ? 1 : 16;
        long limit = 100_000_000L;
        for (int t = 0; t < tenants; t++) {
            accounts.createTenant("t" + t, "");
            budgets.set("t" + t, "", Period.DAILY, limit);
        }
        int threads = IN_FLIGHT;
        AtomicLong pairs = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long warmupEnd = System.nanoTime() + 2_000_000_000L;
        long end = warmupEnd + (long) (seconds * 1e9);
        for (int i = 0; i < threads; i++) {
            Payer payer = new Payer("t" + (i % tenants), "");
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    boolean measuring = System.nanoTime() >= warmupEnd;
                    try {
                        Reservation r = ledger.reserve(payer, "bench", 1_000, 60_000);
                        ledger.commitAsync(r, List.of(new Charge("bench-model", 600)))
                                .thenRun(() -> {
                                    if (measuring) {
                                        pairs.incrementAndGet();
                                    }
                                });
                    } catch (ServiceException e) {
                        refused.incrementAndGet();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        long counted = pairs.get();
        ledger.flush();
        ledger.close();
        double elapsed = (end - warmupEnd) / 1e9;
        long spent = 0;
        for (int t = 0; t < tenants; t++) {
            spent += budgets.list("t" + t).get(0).spentMicros();
        }
        long charged = scalar(ds, "SELECT COALESCE(SUM(amount_micros), 0) FROM ledger_entries WHERE kind = 'CHARGE'");
        long open = scalar(ds, "SELECT COUNT(*) FROM reservations WHERE state = 'OPEN'");
        boolean withinLimits = true;
        for (int t = 0; t < tenants; t++) {
            var b = budgets.list("t" + t).get(0);
            withinLimits &= b.spentMicros() + b.reservedMicros() <= b.limitMicros();
        }
        line(
                "| %s | %s | %.0f | %d | %s | %s |",
                switch (db) {
                    case "h2" -> "H2 file (commits written out at once)";
                    case "h2-delayed" -> "H2 file, 500 ms write delay (not durable: the old setting)";
                    default -> "PostgreSQL 15 (local, fsync on)";
                },
                hot ? "1 (every thread on one row)" : "16 tenants",
                counted / elapsed,
                refused.get(),
                withinLimits ? "yes" : "NO",
                spent == charged && open == 0 ? "yes (" + charged + " micro-dollars)" : "NO");
    }

    static String postgresSchema() throws SQLException {
        String url = System.getProperty("tessera.bench.postgres-url", "jdbc:postgresql://127.0.0.1:5432/test");
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return url + "?currentSchema=" + schema;
    }

    private static long scalar(AgroalDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- added latency ----

    private static void overhead(ServiceProcess mlm, ServiceProcess slm, ServiceProcess orchestrator, double seconds)
            throws Exception {
        line("");
        line("## Added latency: the same call direct and through the orchestrator, interleaved, %.0f s each", seconds);
        line("");
        line("| call | concurrency | direct p50 | via p50 | added p50 | direct p99 | via p99 | added p99 |"
                + " orchestrator CPU per call |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        EmbedRequest embed = EmbedRequest.newBuilder()
                .setModel("e5-small-v2-q8")
                .addInputs("how do plants make food")
                .build();
        GenerateRequest generate = GenerateRequest.newBuilder()
                .setModel("stories15m-q8")
                .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent("Once upon a time"))
                .setSampling(Sampling.newBuilder().setTemperature(0))
                .setMaxTokens(1)
                .build();
        for (int concurrency : new int[] {1, 4}) {
            compare(
                    "Embed, 1 short input",
                    concurrency,
                    seconds,
                    ch -> () -> EmbeddingGrpc.newBlockingStub(ch).embed(embed),
                    mlm.channel(),
                    orchestrator);
            compare(
                    "Generate, 1 token",
                    concurrency,
                    seconds,
                    ch -> () -> TextGenerationGrpc.newBlockingStub(ch).generate(generate),
                    slm.channel(),
                    orchestrator);
        }
    }

    private interface CallOn {
        Supplier<Object> on(ManagedChannel channel);
    }

    private static void compare(
            String name,
            int concurrency,
            double seconds,
            CallOn call,
            ManagedChannel direct,
            ServiceProcess orchestrator)
            throws Exception {
        ManagedChannel via = orchestrator.channel();
        Histogram d = new Histogram(60_000_000_000L, 3);
        Histogram v = new Histogram(60_000_000_000L, 3);
        // warm both paths (the orchestrator is a fresh JVM: its JIT needs thousands of calls), then alternate slices so
        // that both see the same machine
        load(call.on(direct), concurrency, 5, new Histogram(60_000_000_000L, 3));
        load(call.on(via), concurrency, 20, new Histogram(60_000_000_000L, 3));
        int slices = 6;
        // the orchestrator's CPU (every thread, JIT and GC included) while it serves the measured calls
        long cpu = 0;
        for (int i = 0; i < slices; i++) {
            load(call.on(direct), concurrency, seconds / slices, d);
            long before = orchestrator.cpuNanos();
            load(call.on(via), concurrency, seconds / slices, v);
            cpu += orchestrator.cpuNanos() - before;
        }
        line(
                "| %s | %d | %.2f ms | %.2f ms | %+.2f ms | %.2f ms | %.2f ms | %+.2f ms | %.2f ms |",
                name,
                concurrency,
                ms(d, 50),
                ms(v, 50),
                ms(v, 50) - ms(d, 50),
                ms(d, 99),
                ms(v, 99),
                ms(v, 99) - ms(d, 99),
                cpu / 1e6 / v.getTotalCount());
    }

    private static void load(Supplier<Object> call, int concurrency, double seconds, Histogram into)
            throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    call.get();
                    long took = System.nanoTime() - start;
                    synchronized (into) {
                        into.recordValue(took);
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    // ---- the cascade ----

    /** One held-out request under both models. */
    record Outcome(
            boolean slmRight, boolean slmValid, double slmLogprob, long slmCost, boolean llmRight, long llmCost) {}

    private static List<Outcome> heldOut(ServiceProcess orchestrator) throws Exception {
        Map<String, Tool> tools = tools();
        CascadeJudge validity = new CascadeJudge(Double.NEGATIVE_INFINITY);
        var stub = OrchestratorGrpc.newBlockingStub(orchestrator.channel());
        List<Outcome> out = new ArrayList<>();
        for (ToolUseBenchmark.Conversation c : ToolUseBenchmark.heldOut()) {
            GenerateRequest.Builder request = GenerateRequest.newBuilder()
                    .setSampling(Sampling.newBuilder().setTemperature(0))
                    .setMaxTokens(96)
                    .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent(c.user()));
            c.tools().forEach(t -> request.addTools(tools.get(t)));
            RoutedGenerateResponse slm = stub.generate(RoutedGenerateRequest.newBuilder()
                    .setRequest(request.clone().setModel("tool-slm"))
                    .build());
            RoutedGenerateResponse llm = stub.generate(RoutedGenerateRequest.newBuilder()
                    .setRequest(request.clone().setModel("tool-llm"))
                    .build());
            out.add(new Outcome(
                    right(slm.getResponse(), c.expected()),
                    validity.reject(request.build(), slm.getResponse()).isEmpty(),
                    slm.getResponse().getMeanLogprob(),
                    slm.getReceipt().getChargedMicros(),
                    right(llm.getResponse(), c.expected()),
                    llm.getReceipt().getChargedMicros()));
        }
        return out;
    }

    /** The threshold of the cheapest cascade whose accuracy is at least 0.98 of tool-llm's; prints the curve. */
    private static double calibrate(List<Outcome> outcomes) {
        double llmAccuracy = outcomes.stream().filter(Outcome::llmRight).count() / (double) outcomes.size();
        long llmCost = outcomes.stream().mapToLong(Outcome::llmCost).sum();
        line("");
        line(
                "## Cascade calibration on the %d held-out tool requests (tool-llm alone: accuracy %.3f, %d micro-dollars)",
                outcomes.size(), llmAccuracy, llmCost);
        line("");
        line(
                "| threshold (mean logprob ≥) | accepted share | accuracy of accepted | cascade accuracy | accuracy ratio | cost ratio |");
        line("|---:|---:|---:|---:|---:|---:|");
        double best = Double.NEGATIVE_INFINITY;
        double bestCost = Double.MAX_VALUE;
        double[] logprobs =
                outcomes.stream().mapToDouble(Outcome::slmLogprob).sorted().toArray();
        TreeSet<Double> grid = new TreeSet<>();
        for (int q = 0; q <= 20; q++) {
            // every 5% of the cheap model's answers, by confidence: the curve where the threshold actually bites
            grid.add(logprobs[Math.min(logprobs.length - 1, q * logprobs.length / 20)]);
        }
        grid.add(0.0);
        for (double t : grid) {
            double[] point = simulate(outcomes, t);
            double accuracyRatio = point[2] / llmAccuracy;
            double costRatio = point[3] / llmCost;
            line(
                    "| %.5f | %.3f | %.3f | %.3f | %.3f | %.3f |",
                    t, point[0], point[1], point[2], accuracyRatio, costRatio);
            if (accuracyRatio >= 0.98 && costRatio < bestCost) {
                bestCost = costRatio;
                best = t;
            }
        }
        line("");
        line("Chosen: %.4f, the cheapest threshold at accuracy ≥ 0.98x tool-llm's.", best);
        return best;
    }

    /** accepted share, accuracy of accepted, cascade accuracy, cascade cost. */
    private static double[] simulate(List<Outcome> outcomes, double threshold) {
        int accepted = 0;
        int acceptedRight = 0;
        int right = 0;
        long cost = 0;
        for (Outcome o : outcomes) {
            boolean accept = o.slmValid() && o.slmLogprob() >= threshold;
            cost += o.slmCost() + (accept ? 0 : o.llmCost());
            if (accept) {
                accepted++;
                acceptedRight += o.slmRight() ? 1 : 0;
            }
            right += (accept ? o.slmRight() : o.llmRight()) ? 1 : 0;
        }
        return new double[] {
            accepted / (double) outcomes.size(),
            accepted == 0 ? 0 : acceptedRight / (double) accepted,
            right / (double) outcomes.size(),
            cost
        };
    }

    private static void cascade(ServiceProcess orchestrator, List<Outcome> measured, double threshold)
            throws Exception {
        Map<String, Tool> tools = tools();
        var stub = OrchestratorGrpc.newBlockingStub(orchestrator.channel());
        int right = 0;
        long cost = 0;
        int accepted = 0;
        List<ToolUseBenchmark.Conversation> conversations = ToolUseBenchmark.heldOut();
        for (ToolUseBenchmark.Conversation c : conversations) {
            GenerateRequest.Builder request = GenerateRequest.newBuilder()
                    .setSampling(Sampling.newBuilder().setTemperature(0))
                    .setMaxTokens(96)
                    .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent(c.user()));
            c.tools().forEach(t -> request.addTools(tools.get(t)));
            RoutedGenerateResponse r = stub.generate(RoutedGenerateRequest.newBuilder()
                    .setRequest(request)
                    .setRouting(Routing.newBuilder().setPolicy(Policy.POLICY_CASCADE))
                    .build());
            right += right(r.getResponse(), c.expected()) ? 1 : 0;
            cost += r.getReceipt().getChargedMicros();
            accepted += r.getReceipt().getAttemptsCount() == 1 ? 1 : 0;
        }
        double llmAccuracy = measured.stream().filter(Outcome::llmRight).count() / (double) measured.size();
        long llmCost = measured.stream().mapToLong(Outcome::llmCost).sum();
        double[] simulated = simulate(measured, threshold);
        line("");
        line("## The cascade through the orchestrator at %.4f against always-tool-llm, same run", threshold);
        line("");
        line("| measure | cascade | always tool-llm | ratio |");
        line("|---|---:|---:|---:|");
        line(
                "| accuracy | %.3f | %.3f | %.3f |",
                right / (double) conversations.size(),
                llmAccuracy,
                right / (double) conversations.size() / llmAccuracy);
        line("| cost (micro-dollars, 300 requests) | %d | %d | %.3f |", cost, llmCost, cost / (double) llmCost);
        line("| answered by tool-slm | %.3f | 0 | |", accepted / (double) conversations.size());
        line("");
        line(
                "Simulated from the per-model runs at the same threshold: accuracy %.3f, cost %.0f, accepted %.3f.",
                simulated[2], simulated[3], simulated[0]);
    }

    private static boolean right(GenerateResponse r, JsonNode expected) {
        try {
            return r.getToolCallsCount() == 1
                    && r.getToolCalls(0).getName().equals(expected.path("name").asText())
                    && JSON.readTree(r.getToolCalls(0).getArgumentsJson()).equals(expected.path("arguments"));
        } catch (Exception malformed) {
            return false;
        }
    }

    private static Map<String, Tool> tools() throws Exception {
        Map<String, Tool> tools = new LinkedHashMap<>();
        try (InputStream in = OrchestratorBenchmark.class
                .getClassLoader()
                .getResourceAsStream("tessera/models/tool-llm/tools.json")) {
            for (JsonNode t : JSON.readTree(in)) {
                tools.put(
                        t.path("name").asText(),
                        Tool.newBuilder()
                                .setName(t.path("name").asText())
                                .setDescription(t.path("description").asText())
                                .setParametersJsonSchema(t.path("parameters").toString())
                                .build());
            }
        }
        return tools;
    }

    private static Path jar(Path root, String service) {
        return root.resolve("services/" + service + "/target/quarkus-app/quarkus-run.jar");
    }

    private static void line(String format, Object... args) {
        String s = String.format(Locale.ROOT, format, args);
        System.out.println(s);
        REPORT.append(s).append('\n');
    }
}
