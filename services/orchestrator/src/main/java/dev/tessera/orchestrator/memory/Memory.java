package dev.tessera.orchestrator.memory;

import dev.tessera.orchestrator.ledger.Transactions;
import dev.tessera.platform.error.ServiceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The agent's long-term memory in the ledger's database: episodic (each run and its events), semantic (facts with
 * their embedding vectors) and procedural (the tool sequence of each successful run, keyed by its goal's vector).
 *
 * <p>Every method takes the tenant and every statement is conditioned on it, so that no path reads, finds, overwrites
 * or erases another tenant's rows. Retrieval is exact: a tenant's vectors of one embedder are read and ranked by cosine
 * in Java. That is linear in the tenant's rows; docs/agent.md gives the scale where it stops being enough. Beyond
 * it, on PostgreSQL with pgvector installed, facts are searched through an HNSW index ({@link VectorIndex}).
 */
public final class Memory {

    /** A run as stored: what it was asked and where it stands. */
    public record StoredRun(
            String id,
            String tenant,
            String goal,
            List<String> tools,
            int maxSteps,
            long budgetMicros,
            String state,
            long createdAt,
            List<String> events) {}

    /** A fact found, with its similarity to the query. */
    public record Found(String id, String fact, double similarity) {}

    /** A recipe recalled: the tool sequence of an earlier successful run with a similar goal. */
    public record Recipe(String goal, List<String> tools, int steps, long chargedMicros, double similarity) {}

    /** What one tenant's erasure removed. */
    public record Forgotten(long runs, long facts, long recipes) {}

    private static final long DAY = 86_400_000L;

    private final DataSource db;
    private final LongSupplier clock;
    private final int defaultRetentionDays;
    private final VectorIndex index;

    /**
     * @param defaultRetentionDays how long memory is kept for a tenant that has no retention of its own
     */
    public Memory(DataSource db, LongSupplier clock, int defaultRetentionDays) {
        this.db = db;
        this.clock = clock;
        this.defaultRetentionDays = defaultRetentionDays;
        this.index = VectorIndex.open(db).orElse(null);
    }

    /**
     * What the database offers for vector search beyond the exact scan, in words for the startup log: on PostgreSQL,
     * whether the pgvector extension is installed or only available; on H2, nothing.
     */
    public String vectorSearchSupport() {
        if (index != null) {
            return "PostgreSQL with pgvector " + index.version() + ": facts are searched through an HNSW index per"
                    + " embedder (cosine), "
                    + (index.iterativeScans()
                            ? "with iterative scans for small tenants"
                            : "falling back to the exact scan when the tenant filter leaves fewer than k (pgvector"
                                    + " 0.8 adds iterative scans)");
        }
        return Transactions.run(db, c -> {
            String product = c.getMetaData().getDatabaseProductName();
            if (!product.toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
                return product + ": no vector index; agent memory search is exact";
            }
            try (PreparedStatement q = c.prepareStatement("SELECT installed_version, default_version"
                    + " FROM pg_available_extensions WHERE name = 'vector'")) {
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return "PostgreSQL without pgvector: agent memory search is exact (linear in a tenant's facts;"
                                + " docs/agent.md gives the scale where that stops being enough)";
                    }
                    String installed = rs.getString(1);
                    return installed == null
                            ? "PostgreSQL: pgvector " + rs.getString(2) + " is available but not installed in this"
                                    + " database (CREATE EXTENSION vector turns the HNSW path on at the next start);"
                                    + " agent memory search is exact"
                            : "PostgreSQL: pgvector " + installed + " is older than 0.5.0, which has no HNSW;"
                                    + " agent memory search is exact";
                }
            }
        });
    }

    // ---- episodic ----

    /** Records a run's start; its events follow with {@link #append}. */
    public void startRun(
            String id, String tenant, String apiKeyId, String goal, List<String> tools, int maxSteps, long budget) {
        Transactions.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO agent_runs (id, tenant_id, api_key_id, goal,"
                            + " tools, max_steps, budget_micros, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'RUNNING', ?)")) {
                s.setString(1, id);
                s.setString(2, tenant);
                s.setString(3, apiKeyId);
                s.setString(4, goal);
                s.setString(5, String.join(",", tools));
                s.setInt(6, maxSteps);
                s.setLong(7, budget);
                s.setLong(8, clock.getAsLong());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Appends one event (its JSON) to a run of the tenant's. */
    public void append(String tenant, String runId, int seq, String json) {
        Transactions.run(db, c -> {
            try (PreparedStatement s =
                    c.prepareStatement("INSERT INTO agent_events (run_id, seq, tenant_id, body) VALUES (?, ?, ?, ?)")) {
                s.setString(1, runId);
                s.setInt(2, seq);
                s.setString(3, tenant);
                s.setString(4, json);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Records how a run of the tenant's ended. */
    public void endRun(String tenant, String runId, String state) {
        Transactions.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE agent_runs SET state = ?, ended_at = ? WHERE id = ? AND tenant_id = ?")) {
                s.setString(1, state);
                s.setLong(2, clock.getAsLong());
                s.setString(3, runId);
                s.setString(4, tenant);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** A run of the tenant's with its events; empty for an unknown run and for another tenant's. */
    public Optional<StoredRun> run(String tenant, String runId) {
        return Transactions.run(db, c -> {
            StoredRun found = null;
            try (PreparedStatement q = c.prepareStatement("SELECT goal, tools, max_steps, budget_micros, state,"
                    + " created_at FROM agent_runs WHERE id = ? AND tenant_id = ?")) {
                q.setString(1, runId);
                q.setString(2, tenant);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<StoredRun>empty();
                    }
                    String tools = rs.getString(2);
                    found = new StoredRun(
                            runId,
                            tenant,
                            rs.getString(1),
                            tools.isEmpty() ? List.of() : List.of(tools.split(",")),
                            rs.getInt(3),
                            rs.getLong(4),
                            rs.getString(5),
                            rs.getLong(6),
                            new ArrayList<>());
                }
            }
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT body FROM agent_events WHERE run_id = ? AND tenant_id = ? ORDER BY seq")) {
                q.setString(1, runId);
                q.setString(2, tenant);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        found.events().add(rs.getString(1));
                    }
                }
            }
            return Optional.of(found);
        });
    }

    // ---- semantic ----

    /**
     * Stores a fact for the tenant, unless the tenant already holds the same text.
     *
     * @return whether it was new
     */
    public boolean remember(String tenant, String runId, String fact, String embedder, float[] vector) {
        if (index != null) {
            index.prepare(db, embedder, vector.length);
        }
        return Transactions.run(db, c -> {
            try (PreparedStatement q =
                    c.prepareStatement("SELECT 1 FROM memory_facts WHERE tenant_id = ? AND fact = ?")) {
                q.setString(1, tenant);
                q.setString(2, fact);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            String id = UUID.randomUUID().toString();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO memory_facts (id, tenant_id, fact, embedder,"
                    + " vector, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, tenant);
                s.setString(3, fact);
                s.setString(4, embedder);
                s.setBytes(5, Vectors.toBytes(vector));
                s.setString(6, runId);
                s.setLong(7, clock.getAsLong());
                s.executeUpdate();
            }
            if (index != null) {
                index.store(c, id, vector);
            }
            return true;
        });
    }

    /** The tenant's {@code k} facts closest to {@code query} among those embedded by {@code embedder}, best first. */
    public List<Found> search(String tenant, String embedder, float[] query, int k) {
        if (index != null) {
            index.prepare(db, embedder, query.length);
            Optional<List<Found>> found = Transactions.run(db, c -> index.search(c, tenant, embedder, query, k));
            if (found.isPresent()) {
                return found.get();
            }
        }
        return Transactions.run(db, c -> {
            PriorityQueue<Found> best = new PriorityQueue<>(Comparator.comparingDouble(Found::similarity));
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT id, fact, vector FROM memory_facts WHERE tenant_id = ? AND embedder = ?")) {
                q.setString(1, tenant);
                q.setString(2, embedder);
                q.setFetchSize(1_000);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        double sim = Vectors.cosine(query, Vectors.fromBytes(rs.getBytes(3)));
                        if (best.size() < k) {
                            best.add(new Found(rs.getString(1), rs.getString(2), sim));
                        } else if (sim > best.peek().similarity()) {
                            best.poll();
                            best.add(new Found(rs.getString(1), rs.getString(2), sim));
                        }
                    }
                }
            }
            List<Found> out = new ArrayList<>(best);
            out.sort(Comparator.comparingDouble(Found::similarity).reversed());
            return out;
        });
    }

    // ---- procedural ----

    /** Saves the tool sequence of a successful run under its goal's vector. */
    public void saveRecipe(
            String tenant,
            String runId,
            String goal,
            List<String> tools,
            int steps,
            long chargedMicros,
            String embedder,
            float[] vector) {
        Transactions.run(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO memory_recipes (id, tenant_id, goal, tools,"
                    + " steps, charged_micros, embedder, vector, run_id, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, UUID.randomUUID().toString());
                s.setString(2, tenant);
                s.setString(3, goal);
                s.setString(4, String.join(",", tools));
                s.setInt(5, steps);
                s.setLong(6, chargedMicros);
                s.setString(7, embedder);
                s.setBytes(8, Vectors.toBytes(vector));
                s.setString(9, runId);
                s.setLong(10, clock.getAsLong());
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The tenant's recipe whose goal is closest to {@code query}, if at least {@code minSimilarity}; among equally
     * close ones, the one that took the fewest steps.
     */
    public Optional<Recipe> recall(String tenant, String embedder, float[] query, double minSimilarity) {
        return Transactions.run(db, c -> {
            Recipe best = null;
            try (PreparedStatement q = c.prepareStatement("SELECT goal, tools, steps, charged_micros, vector"
                    + " FROM memory_recipes WHERE tenant_id = ? AND embedder = ?")) {
                q.setString(1, tenant);
                q.setString(2, embedder);
                q.setFetchSize(1_000);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        double sim = Vectors.cosine(query, Vectors.fromBytes(rs.getBytes(5)));
                        if (sim < minSimilarity) {
                            continue;
                        }
                        int steps = rs.getInt(3);
                        if (best == null
                                || sim > best.similarity() + 1e-9
                                || (Math.abs(sim - best.similarity()) <= 1e-9 && steps < best.steps())) {
                            best = new Recipe(
                                    rs.getString(1), List.of(rs.getString(2).split(",")), steps, rs.getLong(4), sim);
                        }
                    }
                }
            }
            return Optional.ofNullable(best);
        });
    }

    // ---- retention and erasure ----

    /** Erases everything the tenant's agent remembers: runs and their events, facts and recipes. */
    public Forgotten forget(String tenant) {
        return Transactions.run(db, c -> {
            requireTenant(c, tenant);
            long facts = delete(c, "DELETE FROM memory_facts WHERE tenant_id = ?", tenant, Long.MAX_VALUE);
            long recipes = delete(c, "DELETE FROM memory_recipes WHERE tenant_id = ?", tenant, Long.MAX_VALUE);
            delete(c, "DELETE FROM agent_events WHERE tenant_id = ?", tenant, Long.MAX_VALUE);
            long runs = delete(c, "DELETE FROM agent_runs WHERE tenant_id = ?", tenant, Long.MAX_VALUE);
            return new Forgotten(runs, facts, recipes);
        });
    }

    /**
     * Sets how many days the tenant's memory is kept; 0 goes back to the default.
     *
     * @return the days now in force
     */
    public int setRetention(String tenant, int days) {
        if (days < 0 || days > 36_500) {
            throw ServiceException.invalidArgument("days", "must be 0 (the default) to 36500, not " + days);
        }
        return Transactions.run(db, c -> {
            requireTenant(c, tenant);
            try (PreparedStatement d = c.prepareStatement("DELETE FROM memory_retention WHERE tenant_id = ?")) {
                d.setString(1, tenant);
                d.executeUpdate();
            }
            if (days == 0) {
                return defaultRetentionDays;
            }
            try (PreparedStatement s =
                    c.prepareStatement("INSERT INTO memory_retention (tenant_id, days, updated_at) VALUES (?, ?, ?)")) {
                s.setString(1, tenant);
                s.setInt(2, days);
                s.setLong(3, clock.getAsLong());
                s.executeUpdate();
            }
            return days;
        });
    }

    /**
     * Erases, tenant by tenant, the runs, facts and recipes older than the tenant's retention.
     *
     * @return the rows erased
     */
    public long sweep() {
        long now = clock.getAsLong();
        return Transactions.run(db, c -> {
            List<String> tenants = new ArrayList<>();
            List<Integer> days = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT t.id, r.days FROM tenants t"
                    + " LEFT JOIN memory_retention r ON r.tenant_id = t.id ORDER BY t.id")) {
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        tenants.add(rs.getString(1));
                        int d = rs.getInt(2);
                        days.add(rs.wasNull() ? defaultRetentionDays : d);
                    }
                }
            }
            long erased = 0;
            for (int i = 0; i < tenants.size(); i++) {
                String t = tenants.get(i);
                long before = now - days.get(i) * DAY;
                erased += delete(c, "DELETE FROM memory_facts WHERE tenant_id = ? AND created_at < ?", t, before);
                erased += delete(c, "DELETE FROM memory_recipes WHERE tenant_id = ? AND created_at < ?", t, before);
                delete(
                        c,
                        "DELETE FROM agent_events WHERE tenant_id = ? AND run_id IN (SELECT id FROM agent_runs"
                                + " WHERE tenant_id = ? AND created_at < ? AND state <> 'RUNNING')",
                        t,
                        before);
                erased += delete(
                        c,
                        "DELETE FROM agent_runs WHERE tenant_id = ? AND created_at < ? AND state <> 'RUNNING'",
                        t,
                        before);
            }
            return erased;
        });
    }

    private static long delete(Connection c, String sql, String tenant, long before) throws SQLException {
        try (PreparedStatement d = c.prepareStatement(sql)) {
            d.setString(1, tenant);
            int next = 2;
            if (sql.contains("run_id IN")) {
                d.setString(next++, tenant);
            }
            if (before != Long.MAX_VALUE) {
                d.setLong(next, before);
            }
            return d.executeUpdate();
        }
    }

    private static void requireTenant(Connection c, String tenant) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ?")) {
            q.setString(1, tenant);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw ServiceException.notFound("tenant", "no tenant '" + tenant + "'");
                }
            }
        }
    }
}
