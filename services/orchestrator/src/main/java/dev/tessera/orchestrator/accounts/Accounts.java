package dev.tessera.orchestrator.accounts;

import dev.tessera.orchestrator.ledger.Budgets;
import dev.tessera.orchestrator.ledger.Transactions;
import dev.tessera.platform.error.ServiceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Tenants and their API keys. A key is 32 random bytes behind a {@code tsk_} prefix; only its SHA-256 is stored (a
 * key has far more entropy than a password, so a fast hash is safe and keeps authentication to one indexed lookup),
 * and the plain key is returned once, by {@link #createKey}.
 */
public final class Accounts {

    /** Tenant ids: short, printable, safe in logs, metrics tags and URLs. */
    public static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** How every Tessera API key begins. */
    public static final String KEY_PREFIX = "tsk_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource db;
    private final LongSupplier clock;

    public Accounts(DataSource db, LongSupplier clock) {
        this.db = db;
        this.clock = clock;
    }

    /** @throws ServiceException {@code INVALID_ARGUMENT} for a bad id, {@code ALREADY_EXISTS} for a taken one */
    public Tenant createTenant(String id, String displayName) {
        if (!TENANT_ID.matcher(id).matches()) {
            throw ServiceException.invalidArgument("id", "must be 1 to 64 characters of [A-Za-z0-9._-]");
        }
        String name = displayName == null || displayName.isBlank() ? id : displayName.strip();
        if (name.length() > 200) {
            throw ServiceException.invalidArgument("display_name", "is longer than 200 characters");
        }
        long now = clock.getAsLong();
        return Transactions.run(db, c -> {
            if (tenant(c, id).isPresent()) {
                throw ServiceException.alreadyExists("id", "tenant '" + id + "' exists");
            }
            try (PreparedStatement i =
                    c.prepareStatement("INSERT INTO tenants (id, display_name, created_at) VALUES (?, ?, ?)")) {
                i.setString(1, id);
                i.setString(2, name);
                i.setLong(3, now);
                i.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw ServiceException.alreadyExists("id", "tenant '" + id + "' exists");
                }
                throw e;
            }
            return new Tenant(id, name, now);
        });
    }

    /** Creates the tenant unless it exists; how the orchestrator makes its local-mode tenant. */
    public Tenant ensureTenant(String id, String displayName) {
        Optional<Tenant> existing = Transactions.run(db, c -> tenant(c, id));
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return createTenant(id, displayName);
        } catch (ServiceException e) {
            if (e.kind() == ServiceException.Kind.ALREADY_EXISTS) {
                return Transactions.run(db, c -> tenant(c, id)).orElseThrow();
            }
            throw e;
        }
    }

    public List<Tenant> tenants() {
        return Transactions.run(db, c -> {
            List<Tenant> out = new ArrayList<>();
            try (PreparedStatement q =
                            c.prepareStatement("SELECT id, display_name, created_at FROM tenants ORDER BY id");
                    ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Tenant(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
            return out;
        });
    }

    /** Issues a key for a tenant; the plain key is in the result and nowhere else. */
    public IssuedKey createKey(String tenant, String name) {
        String label = name == null ? "" : name.strip();
        if (label.length() > 200) {
            throw ServiceException.invalidArgument("name", "is longer than 200 characters");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String plain = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = "k_" + Budgets.randomId();
        String prefix = plain.substring(0, KEY_PREFIX.length() + 6);
        long now = clock.getAsLong();
        return Transactions.run(db, c -> {
            if (tenant(c, tenant).isEmpty()) {
                throw ServiceException.notFound("tenant", "no tenant '" + tenant + "'");
            }
            try (PreparedStatement i = c.prepareStatement("INSERT INTO api_keys (id, tenant_id, key_hash, prefix,"
                    + " name, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                i.setString(1, id);
                i.setString(2, tenant);
                i.setString(3, hash(plain));
                i.setString(4, prefix);
                i.setString(5, label);
                i.setLong(6, now);
                i.executeUpdate();
            }
            return new IssuedKey(new ApiKey(id, tenant, label, prefix, now, 0), plain);
        });
    }

    /** Ends a key; calls with it are refused from then on. */
    public ApiKey revokeKey(String id) {
        long now = clock.getAsLong();
        return Transactions.run(db, c -> {
            try (PreparedStatement u =
                    c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                u.setLong(1, now);
                u.setString(2, id);
                u.executeUpdate();
            }
            return key(c, "id", id).orElseThrow(() -> ServiceException.notFound("id", "no API key '" + id + "'"));
        });
    }

    public List<ApiKey> keys(String tenant) {
        return Transactions.run(db, c -> {
            if (tenant(c, tenant).isEmpty()) {
                throw ServiceException.notFound("tenant", "no tenant '" + tenant + "'");
            }
            List<ApiKey> out = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT id, tenant_id, name, prefix, created_at, revoked_at"
                    + " FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id")) {
                q.setString(1, tenant);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(keyOf(rs));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The key a plain key stands for.
     *
     * @return empty for an unknown key
     */
    public Optional<ApiKey> lookup(String plain) {
        return Transactions.run(db, c -> key(c, "key_hash", hash(plain)));
    }

    /** The SHA-256 of a key, in hex: what is stored and compared. */
    public static String hash(String plain) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(plain.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Optional<Tenant> tenant(Connection c, String id) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT id, display_name, created_at FROM tenants WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Tenant(rs.getString(1), rs.getString(2), rs.getLong(3)))
                        : Optional.empty();
            }
        }
    }

    private static Optional<ApiKey> key(Connection c, String column, String value) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT id, tenant_id, name, prefix, created_at, revoked_at"
                + " FROM api_keys WHERE " + column + " = ?")) {
            q.setString(1, value);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(keyOf(rs)) : Optional.empty();
            }
        }
    }

    private static ApiKey keyOf(ResultSet rs) throws SQLException {
        return new ApiKey(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6));
    }
}
