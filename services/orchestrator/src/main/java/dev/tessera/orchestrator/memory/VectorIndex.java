package dev.tessera.orchestrator.memory;

import dev.tessera.orchestrator.ledger.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The production path for semantic memory past the scale where an exact scan costs more than a model step: pgvector's
 * HNSW index on PostgreSQL, used when the extension is installed (0.5.0 or later) and never otherwise.
 *
 * <p>Facts keep their {@code BYTEA} vector, which stays the source of truth, and gain an {@code embedding vector}
 * column beside it. Each embedder gets its own partial HNSW index over {@code embedding::vector(d)} with cosine
 * distance, created the first time a vector of that embedder is seen, since vectors of two embedders can neither be
 * compared nor share one fixed-dimension index. The embedder's name and the dimension are written into the SQL rather
 * than bound, so that the planner can match the partial index's predicate on every plan, generic ones included.
 *
 * <p>The index spans every tenant; the tenant is a filter on what it returns. pgvector 0.8's iterative scans
 * ({@code hnsw.iterative_scan = strict_order}) keep scanning until enough rows pass the filter; with an older pgvector,
 * or whenever fewer than {@code k} rows come back, the search answers from the exact scan instead, so a small tenant
 * among large ones never gets fewer results than it has facts. Isolation never depends on the index: every statement
 * is conditioned on the tenant.
 */
final class VectorIndex {

    private static final Logger LOG = Logger.getLogger(VectorIndex.class);
    private static final String SET_EMBEDDING = "UPDATE memory_facts SET embedding = ?::vector WHERE id = ?";

    private final String version;
    private final boolean iterativeScans;
    private final Set<String> indexed = ConcurrentHashMap.newKeySet();

    private VectorIndex(String version) {
        this.version = version;
        this.iterativeScans = atLeast(version, 0, 8);
    }

    /**
     * The index path when {@code db} is PostgreSQL with pgvector 0.5.0 or later installed, after adding the
     * {@code embedding} column and filling it for facts written before; empty otherwise.
     */
    static Optional<VectorIndex> open(DataSource db) {
        String installed = Transactions.run(db, c -> installedVersion(c).orElse(null));
        if (installed == null || !atLeast(installed, 0, 5)) {
            return Optional.empty();
        }
        VectorIndex index = new VectorIndex(installed);
        Transactions.run(db, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE memory_facts ADD COLUMN IF NOT EXISTS embedding vector");
            }
            return null;
        });
        long filled = index.backfill(db);
        if (filled > 0) {
            LOG.infof("agent memory: filled the pgvector column of %d facts written before it existed", filled);
        }
        return Optional.of(index);
    }

    /** pgvector's installed version, when the database is PostgreSQL and the extension is installed in it. */
    static Optional<String> installedVersion(Connection c) throws SQLException {
        if (!c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")) {
            return Optional.empty();
        }
        try (PreparedStatement q = c.prepareStatement("SELECT extversion FROM pg_extension WHERE extname = 'vector'");
                ResultSet rs = q.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    String version() {
        return version;
    }

    boolean iterativeScans() {
        return iterativeScans;
    }

    /** Writes the fact's vector into the indexed column, in the transaction that inserted the fact. */
    void store(Connection c, String factId, float[] vector) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SET_EMBEDDING)) {
            s.setString(1, literal(vector));
            s.setString(2, factId);
            s.executeUpdate();
        }
    }

    /**
     * The tenant's {@code k} nearest facts of {@code embedder} by the HNSW index, best first, with facts that have no
     * indexed vector yet (written by a replica without this path) ranked exactly beside them; empty when the index
     * returned fewer than {@code k}, which the caller answers exactly. {@link #prepare} must have run for the
     * embedder and the query's dimension.
     */
    Optional<List<Memory.Found>> search(Connection c, String tenant, String embedder, float[] query, int k)
            throws SQLException {
        int d = query.length;
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL hnsw.ef_search = " + Math.min(1000, Math.max(40, 4 * k)));
            if (iterativeScans) {
                s.execute("SET LOCAL hnsw.iterative_scan = strict_order");
            }
        }
        List<Memory.Found> found = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(searchSql(embedder, d))) {
            String literal = literal(query);
            q.setString(1, literal);
            q.setString(2, tenant);
            q.setString(3, literal);
            q.setInt(4, k);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    found.add(new Memory.Found(rs.getString(1), rs.getString(2), rs.getDouble(3)));
                }
            }
        }
        if (found.size() < k) {
            return Optional.empty();
        }
        try (PreparedStatement q = c.prepareStatement("SELECT id, fact, vector FROM memory_facts"
                + " WHERE tenant_id = ? AND embedder = ? AND embedding IS NULL")) {
            q.setString(1, tenant);
            q.setString(2, embedder);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    found.add(new Memory.Found(
                            rs.getString(1),
                            rs.getString(2),
                            Vectors.cosine(query, Vectors.fromBytes(rs.getBytes(3)))));
                }
            }
        }
        found.sort((a, b) -> Double.compare(b.similarity(), a.similarity()));
        return Optional.of(List.copyOf(found.subList(0, k)));
    }

    /**
     * The nearest-neighbour query: the query vector, the tenant, the query vector again and k are bound; the
     * embedder and the dimension are written in, so that the partial index's predicate and expression match.
     */
    static String searchSql(String embedder, int dimensions) {
        String distance = "embedding::vector(" + dimensions + ") <=> ?::vector(" + dimensions + ")";
        return "SELECT id, fact, 1 - (" + distance + ") FROM memory_facts WHERE tenant_id = ? AND embedder = "
                + quote(embedder) + " AND embedding IS NOT NULL ORDER BY " + distance + " LIMIT ?";
    }

    /**
     * Creates the embedder's HNSW index for {@code dimensions}-dimensional vectors unless this process already knows
     * it exists; in its own transaction, so that a failure there never takes a fact or a search with it.
     */
    void prepare(DataSource db, String embedder, int dimensions) {
        String key = embedder + "/" + dimensions;
        if (indexed.contains(key)) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        String name = "memory_facts_hnsw_" + Long.toHexString(crc.getValue());
        Transactions.run(db, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE INDEX IF NOT EXISTS " + name + " ON memory_facts USING hnsw ((embedding::vector("
                        + dimensions + ")) vector_cosine_ops) WHERE embedder = " + quote(embedder));
            }
            return null;
        });
        indexed.add(key);
        LOG.infof("agent memory: HNSW index %s over %s's %d-dimensional vectors", name, embedder, dimensions);
    }

    private long backfill(DataSource db) {
        long filled = 0;
        while (true) {
            long batch = Transactions.run(db, c -> {
                List<String> ids = new ArrayList<>();
                List<String> literals = new ArrayList<>();
                try (PreparedStatement q = c.prepareStatement(
                                "SELECT id, vector FROM memory_facts WHERE embedding IS NULL LIMIT 1000");
                        ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                        literals.add(literal(Vectors.fromBytes(rs.getBytes(2))));
                    }
                }
                try (PreparedStatement s = c.prepareStatement(SET_EMBEDDING)) {
                    for (int i = 0; i < ids.size(); i++) {
                        s.setString(1, literals.get(i));
                        s.setString(2, ids.get(i));
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                return (long) ids.size();
            });
            filled += batch;
            if (batch < 1000) {
                return filled;
            }
        }
    }

    /** pgvector's text form of a vector, {@code [0.1,-2.5,...]}; a non-finite component, which pgvector refuses, is 0. */
    static String literal(float[] v) {
        StringBuilder b = new StringBuilder(v.length * 12).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            float x = v[i];
            b.append(Float.isFinite(x) ? Float.toString(x) : "0");
        }
        return b.append(']').toString();
    }

    /** A SQL string literal; the embedder's name is configuration, but is quoted as if it were not. */
    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Whether a version such as {@code 0.8.0} is at least {@code major.minor}. */
    static boolean atLeast(String version, int major, int minor) {
        String[] parts = version.split("[.]");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
