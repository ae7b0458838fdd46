package dev.tessera.orchestrator.ledger;

import dev.tessera.platform.error.ServiceException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Budgets: a limit per window for a tenant or one of its keys. Setting a budget replaces the limit of the same scope
 * and period; money already spent or held in the current window stays counted against the new limit.
 */
public final class Budgets {

    /** The largest limit accepted: a billion dollars. Larger is a typo, not a budget. */
    public static final long MAX_LIMIT_MICROS = 1_000_000_000_000_000L;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource db;
    private final LongSupplier clock;
    private final Consumer<String> changed;

    public Budgets(DataSource db, LongSupplier clock) {
        this(db, clock, tenant -> {});
    }

    /** @param changed told the tenant whose budgets were just set, so the ledger stops trusting "no budget" */
    public Budgets(DataSource db, LongSupplier clock, Consumer<String> changed) {
        this.db = db;
        this.clock = clock;
        this.changed = changed;
    }

    /**
     * Creates or replaces the budget of a tenant ({@code apiKeyId} empty) or of one of its keys.
     *
     * @throws ServiceException {@code INVALID_ARGUMENT} for a limit out of range, {@code NOT_FOUND} for an unknown
     *     tenant or a key that is not the tenant's
     */
    public BudgetState set(String tenant, String apiKeyId, Period period, long limitMicros) {
        if (limitMicros < 0 || limitMicros > MAX_LIMIT_MICROS) {
            throw ServiceException.invalidArgument(
                    "limit_micros", "is " + limitMicros + "; give 0 to " + MAX_LIMIT_MICROS + " micro-dollars");
        }
        String id = Transactions.run(db, c -> {
            requireTenant(c, tenant);
            if (!apiKeyId.isEmpty()) {
                try (PreparedStatement q =
                        c.prepareStatement("SELECT 1 FROM api_keys WHERE id = ? AND tenant_id = ?")) {
                    q.setString(1, apiKeyId);
                    q.setString(2, tenant);
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            throw ServiceException.notFound(
                                    "api_key_id", "tenant '" + tenant + "' has no API key '" + apiKeyId + "'");
                        }
                    }
                }
            }
            try (PreparedStatement u = c.prepareStatement(
                    "UPDATE budgets SET limit_micros = ?" + " WHERE tenant_id = ? AND api_key_id = ? AND period = ?")) {
                u.setLong(1, limitMicros);
                u.setString(2, tenant);
                u.setString(3, apiKeyId);
                u.setString(4, period.name());
                if (u.executeUpdate() == 0) {
                    String newId = "b_" + randomId();
                    try (PreparedStatement i = c.prepareStatement("INSERT INTO budgets (id, tenant_id, api_key_id,"
                            + " period, limit_micros, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                        i.setString(1, newId);
                        i.setString(2, tenant);
                        i.setString(3, apiKeyId);
                        i.setString(4, period.name());
                        i.setLong(5, limitMicros);
                        i.setLong(6, clock.getAsLong());
                        i.executeUpdate();
                    }
                }
            }
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT id FROM budgets WHERE tenant_id = ? AND api_key_id = ? AND period = ?")) {
                q.setString(1, tenant);
                q.setString(2, apiKeyId);
                q.setString(3, period.name());
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
        changed.accept(tenant);
        return list(tenant).stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    /** A tenant's budgets, with their current windows. */
    public List<BudgetState> list(String tenant) {
        long now = clock.getAsLong();
        return Transactions.run(db, c -> {
            requireTenant(c, tenant);
            List<BudgetState> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT id, api_key_id, period, limit_micros FROM budgets WHERE tenant_id = ? ORDER BY id")) {
                q.setString(1, tenant);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        Period period = Period.valueOf(rs.getString(3));
                        out.add(new BudgetState(
                                rs.getString(1),
                                tenant,
                                rs.getString(2),
                                period,
                                rs.getLong(4),
                                0,
                                0,
                                period.windowStart(now)));
                    }
                }
            }
            List<BudgetState> filled = new ArrayList<>(out.size());
            for (BudgetState b : out) {
                try (PreparedStatement q = c.prepareStatement("SELECT spent_micros, reserved_micros FROM"
                        + " budget_windows WHERE budget_id = ? AND window_start = ?")) {
                    q.setString(1, b.id());
                    q.setLong(2, b.windowStart());
                    try (ResultSet rs = q.executeQuery()) {
                        filled.add(
                                rs.next()
                                        ? new BudgetState(
                                                b.id(),
                                                b.tenant(),
                                                b.apiKeyId(),
                                                b.period(),
                                                b.limitMicros(),
                                                rs.getLong(1),
                                                rs.getLong(2),
                                                b.windowStart())
                                        : b);
                    }
                }
            }
            return filled;
        });
    }

    static void requireTenant(Connection c, String tenant) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ?")) {
            q.setString(1, tenant);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw ServiceException.notFound("tenant", "no tenant '" + tenant + "'");
                }
            }
        }
    }

    /** 16 random characters of [a-z2-7]: 80 bits, enough that ids never collide. */
    public static String randomId() {
        char[] alphabet = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
        char[] id = new char[16];
        for (int i = 0; i < id.length; i++) {
            id[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return new String(id);
    }
}
