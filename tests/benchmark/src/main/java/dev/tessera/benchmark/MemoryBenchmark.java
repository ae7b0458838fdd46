package dev.tessera.benchmark;

import dev.tessera.orchestrator.accounts.Accounts;
import dev.tessera.orchestrator.ledger.LedgerDatabase;
import dev.tessera.orchestrator.memory.Memory;
import dev.tessera.orchestrator.memory.Vectors;
import io.agroal.api.AgroalDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Where exact retrieval stops being enough: the agent memory's {@code search} (a tenant's facts read from the database
 * and ranked by cosine in Java) at 1,000, 10,000 and 100,000 facts of one tenant, 384-dimensional (e5-small-v2's
 * size), on H2 and on PostgreSQL. The baseline, from the same run, is the same ranking over the same vectors already in
 * a Java array: the arithmetic alone, so the ratio is what reading the rows costs. A search is one agent step's tool
 * call; the model's own decision takes 20-60 ms here (docs/benchmarks.md), which is the budget retrieval must fit in.
 *
 * <p>Usage: {@code bin/benchmark memory}; needs PostgreSQL at 127.0.0.1:5432 (tessera.bench.postgres-url).
 */
public final class MemoryBenchmark {

    private static final int DIM = 384;
    private static final int QUERIES = 20;

    private MemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path target = Path.of(System.getProperty("tessera.root", ".")).resolve("tests/benchmark/target");
        Files.createDirectories(target);
        line("# Agent memory: exact top-5 search by facts per tenant (dimension %d, %d queries, p50)", DIM, QUERIES);
        line("");
        line("| database | facts | search p50 (ms) | in-memory ranking p50 (ms) | ratio |");
        line("|---|---|---|---|---|");
        for (String db : List.of("h2", "postgresql")) {
            String url = db.equals("h2")
                    ? "jdbc:h2:file:" + target.resolve("memory-" + UUID.randomUUID())
                    : OrchestratorBenchmark.postgresSchema();
            try (AgroalDataSource ds = LedgerDatabase.open(url, db.equals("h2") ? "" : "postgres", "", 4)) {
                Memory memory = new Memory(ds, System::currentTimeMillis, 365);
                Accounts accounts = new Accounts(ds, System::currentTimeMillis);
                accounts.createTenant("bench", "");
                accounts.createTenant("noise", "");
                Random r = new Random(42);
                List<float[]> all = new ArrayList<>();
                int have = 0;
                for (int size : List.of(1_000, 10_000, 100_000)) {
                    while (have < size) {
                        int n = Math.min(5_000, size - have);
                        all.addAll(insert(ds, "bench", have, n, r));
                        have += n;
                    }
                    // another tenant's rows of the same size, which the search must skip by its index
                    insert(ds, "noise", have, Math.min(size, 5_000), r);
                    double[] db50 = new double[QUERIES];
                    double[] mem50 = new double[QUERIES];
                    for (int q = 0; q < QUERIES + 3; q++) {
                        float[] query = unit(r);
                        long t0 = System.nanoTime();
                        List<Memory.Found> found = memory.search("bench", "e5", query, 5);
                        long t1 = System.nanoTime();
                        double best = rank(all, query);
                        long t2 = System.nanoTime();
                        if (Math.abs(found.get(0).similarity() - best) > 1e-6) {
                            throw new IllegalStateException(
                                    "search and ranking disagree: " + found.get(0) + " vs " + best);
                        }
                        if (q >= 3) {
                            db50[q - 3] = (t1 - t0) / 1e6;
                            mem50[q - 3] = (t2 - t1) / 1e6;
                        }
                    }
                    double a = median(db50);
                    double b = median(mem50);
                    line("| %s | %,d | %.2f | %.2f | %.1fx |", db, size, a, b, a / b);
                }
            }
        }
    }

    private static List<float[]> insert(AgroalDataSource ds, String tenant, int from, int n, Random r)
            throws Exception {
        List<float[]> made = new ArrayList<>(n);
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO memory_facts (id, tenant_id, fact, embedder,"
                        + " vector, run_id, created_at) VALUES (?, ?, ?, 'e5', ?, 'bench', ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                float[] v = unit(r);
                made.add(v);
                s.setString(1, UUID.randomUUID().toString());
                s.setString(2, tenant);
                s.setString(3, tenant + " fact " + (from + i));
                s.setBytes(4, Vectors.toBytes(v));
                s.setLong(5, System.currentTimeMillis());
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
        }
        return made;
    }

    private static double rank(List<float[]> all, float[] query) {
        double best = -2;
        for (float[] v : all) {
            best = Math.max(best, Vectors.cosine(query, v));
        }
        return best;
    }

    private static float[] unit(Random r) {
        float[] v = new float[DIM];
        double n = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private static double median(double[] xs) {
        double[] sorted = xs.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
