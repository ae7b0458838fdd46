package dev.tessera.orchestrator.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.orchestrator.NodePackages;
import dev.tessera.orchestrator.ledger.LedgerDatabase;
import io.agroal.api.AgroalDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Semantic memory's HNSW path on a real pgvector. Debian does not package pgvector for this machine's PostgreSQL, so
 * the server is PGlite (PostgreSQL compiled to WebAssembly) with its pgvector build, pinned from the npm registry and
 * served over the PostgreSQL wire protocol: the same JDBC driver, Flyway migrations and SQL as production.
 */
class PgvectorMemoryTest {

    private static final Path DIR = Path.of("target", "pgvector").toAbsolutePath();
    private static final List<String> PACKAGES = List.of(
            "@electric-sql/pglite@0.5.14",
            "@electric-sql/pglite-pgvector@0.0.15",
            "@electric-sql/pglite-socket@0.2.17");
    private static final String EMBEDDER = "test-embedder";
    private static final int DIM = 32;

    private static Process server;
    private static String url;
    private static String pgvector;

    private final AtomicLong now = new AtomicLong(1_780_000_000_000L);
    private AgroalDataSource db;

    @BeforeAll
    static void startServer() throws Exception {
        NodePackages.install(DIR, "node_modules/@electric-sql/pglite-socket/package.json", PACKAGES);
        Path script = DIR.resolve("pgvector-server.mjs");
        Files.copy(Path.of("src", "test", "node", "pgvector-server.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
        server = NodePackages.start(DIR, List.of("node", script.toString()));
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the PGlite server's first line").isNotNull().startsWith("{");
        JsonNode started = new ObjectMapper().readTree(line);
        url = "jdbc:postgresql://127.0.0.1:" + started.get("port").asInt()
                + "/postgres?sslmode=disable&prepareThreshold=0&socketTimeout=60";
        pgvector = started.get("pgvector").asText();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.getOutputStream().close();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @BeforeEach
    void open() throws Exception {
        // PGlite is one session under every connection: two (Flyway holds one while it migrates on the other), used
        // one at a time, and no named server-side statements, which would outlive the connection that made them
        db = LedgerDatabase.open(url, "postgres", "", 2);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static float[] random(Random r) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static List<String> exact(Map<String, float[]> facts, float[] query, int k) {
        return facts.entrySet().stream()
                .sorted(Comparator.comparingDouble(
                        (Map.Entry<String, float[]> e) -> -Vectors.cosine(query, e.getValue())))
                .limit(k)
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    private String hnswIndexName() throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT indexname FROM pg_indexes WHERE tablename = 'memory_facts'"
                        + " AND indexdef LIKE '%hnsw%'")) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    @Test
    void the_hnsw_index_ranks_like_the_exact_scan_and_keeps_a_small_tenant_apart_from_a_large_one() throws Exception {
        Memory memory = new Memory(db, now::get, 30);
        assertThat(memory.vectorSearchSupport())
                .contains("pgvector " + pgvector)
                .contains("HNSW");
        String big = "big-" + UUID.randomUUID();
        String small = "small-" + UUID.randomUUID();
        Random r = new Random(7);
        Map<String, float[]> bigFacts = new LinkedHashMap<>();
        Map<String, float[]> smallFacts = new LinkedHashMap<>();
        for (int i = 0; i < 600; i++) {
            float[] v = random(r);
            bigFacts.put("big fact " + i, v);
            assertThat(memory.remember(big, "run", "big fact " + i, EMBEDDER, v))
                    .isTrue();
        }
        for (int i = 0; i < 8; i++) {
            float[] v = random(r);
            smallFacts.put("small fact " + i, v);
            memory.remember(small, "run", "small fact " + i, EMBEDDER, v);
        }
        assertThat(hnswIndexName()).startsWith("memory_facts_hnsw_");

        int hits = 0;
        int wanted = 0;
        for (int q = 0; q < 30; q++) {
            float[] query = random(r);
            List<String> expected = exact(bigFacts, query, 5);
            List<Memory.Found> found = memory.search(big, EMBEDDER, query, 5);
            assertThat(found).hasSize(5);
            assertThat(found).allSatisfy(f -> assertThat(f.fact()).startsWith("big fact"));
            for (Memory.Found f : found) {
                hits += expected.contains(f.fact()) ? 1 : 0;
                assertThat(f.similarity())
                        .isCloseTo(
                                Vectors.cosine(query, bigFacts.get(f.fact())),
                                org.assertj.core.data.Offset.offset(1e-5));
            }
            wanted += 5;
            // 8 facts among 608: the filter leaves few of what the graph returns, and the tenant still gets its 5
            List<Memory.Found> mine = memory.search(small, EMBEDDER, query, 5);
            assertThat(mine).extracting(Memory.Found::fact).containsExactlyElementsOf(exact(smallFacts, query, 5));
        }
        assertThat((double) hits / wanted)
                .as("recall@5 of the HNSW path against the exact ranking")
                .isGreaterThan(0.95);
    }

    @Test
    void the_planner_answers_the_search_from_the_partial_hnsw_index() throws Exception {
        Memory memory = new Memory(db, now::get, 30);
        Random r = new Random(11);
        String tenant = "plan-" + UUID.randomUUID();
        for (int i = 0; i < 50; i++) {
            memory.remember(tenant, "run", "plan fact " + i, EMBEDDER, random(r));
        }
        String literal = VectorIndex.literal(random(r));
        List<String> plan = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL enable_seqscan = off");
                s.execute("SET LOCAL enable_bitmapscan = off");
            }
            try (PreparedStatement q = c.prepareStatement("EXPLAIN " + VectorIndex.searchSql(EMBEDDER, DIM))) {
                q.setString(1, literal);
                q.setString(2, tenant);
                q.setString(3, literal);
                q.setInt(4, 5);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
            }
            c.rollback();
        }
        assertThat(String.join("\n", plan)).contains("memory_facts_hnsw_");
    }

    @Test
    void facts_written_without_the_index_are_filled_at_start_and_found_before_that() throws Exception {
        String tenant = "old-" + UUID.randomUUID();
        Random r = new Random(3);
        new Memory(db, now::get, 30); // the column exists from here on
        float[] old = random(r);
        insertWithoutEmbedding(tenant, "written by an older replica", old);
        Memory memory = new Memory(db, now::get, 30);
        assertThat(nullEmbeddings(tenant)).isZero();
        for (int i = 0; i < 10; i++) {
            memory.remember(tenant, "run", "new fact " + i, EMBEDDER, random(r));
        }
        assertThat(memory.search(tenant, EMBEDDER, old, 3).get(0).fact()).isEqualTo("written by an older replica");

        // one written behind this process's back, after its start: ranked exactly beside the index's answers
        float[] late = random(r);
        insertWithoutEmbedding(tenant, "written during a rolling upgrade", late);
        assertThat(nullEmbeddings(tenant)).isEqualTo(1);
        assertThat(memory.search(tenant, EMBEDDER, late, 3).get(0).fact())
                .isEqualTo("written during a rolling upgrade");
    }

    private void insertWithoutEmbedding(String tenant, String fact, float[] v) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO memory_facts (id, tenant_id, fact, embedder,"
                        + " vector, run_id, created_at) VALUES (?, ?, ?, ?, ?, 'run', 0)")) {
            s.setString(1, UUID.randomUUID().toString());
            s.setString(2, tenant);
            s.setString(3, fact);
            s.setString(4, EMBEDDER);
            s.setBytes(5, Vectors.toBytes(v));
            s.executeUpdate();
        }
    }

    private long nullEmbeddings(String tenant) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "SELECT count(*) FROM memory_facts WHERE tenant_id = ? AND embedding IS NULL")) {
            q.setString(1, tenant);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void vector_literals_versions_and_quoting() {
        assertThat(VectorIndex.literal(new float[] {1f, -2.5f, 1e-7f})).isEqualTo("[1.0,-2.5,1.0E-7]");
        assertThat(VectorIndex.literal(new float[] {Float.NaN})).isEqualTo("[0]");
        assertThat(VectorIndex.quote("it's")).isEqualTo("'it''s'");
        assertThat(VectorIndex.atLeast("0.8.7", 0, 8)).isTrue();
        assertThat(VectorIndex.atLeast("0.7.4", 0, 8)).isFalse();
        assertThat(VectorIndex.atLeast("0.5.0", 0, 5)).isTrue();
        assertThat(VectorIndex.atLeast("1.0", 0, 8)).isTrue();
        assertThat(VectorIndex.atLeast("garbage", 0, 5)).isFalse();
    }
}
