package dev.tessera.orchestrator.ledger;

import io.agroal.api.AgroalDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The two databases the ledger runs on, for tests: an H2 file, and a real PostgreSQL. PostgreSQL is the server at
 * 127.0.0.1:5432 (database {@code test}, trust auth) when it answers, as on this project's machines, in a fresh
 * schema per call; otherwise an embedded one (zonky), which PostgreSQL refuses to run as root. Neither case is
 * skipped: no PostgreSQL at all fails the test, saying why.
 */
public final class TestDatabases {

    /** Where to find a running PostgreSQL; {@code -Dtessera.test.postgres-url} points elsewhere. */
    public static final String LOCAL_POSTGRES =
            System.getProperty("tessera.test.postgres-url", "jdbc:postgresql://127.0.0.1:5432/test");

    private static final String USER = System.getProperty("tessera.test.postgres-user", "postgres");
    private static EmbeddedPostgres embedded;

    private TestDatabases() {}

    /** A fresh H2 ledger in {@code dir}. */
    public static AgroalDataSource h2(Path dir, int connections) throws SQLException {
        return LedgerDatabase.open(h2Url(dir), "", "", connections);
    }

    public static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("ledger-" + UUID.randomUUID()).toAbsolutePath();
    }

    /** A fresh PostgreSQL ledger: a new schema on the local server, or an embedded server. */
    public static AgroalDataSource postgres(int connections) throws SQLException {
        return LedgerDatabase.open(postgresUrl(), USER, "", connections);
    }

    /** The JDBC URL of a new, empty schema on a real PostgreSQL. */
    public static synchronized String postgresUrl() throws SQLException {
        String base = serverUrl();
        String schema = "ledger_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(base, USER, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        dropAtExit(base, schema);
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The test database is shared: each schema made here is dropped when the test JVM ends. */
    private static void dropAtExit(String base, String schema) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(base, USER, "");
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (SQLException ignored) {
                // the server went first; the schema stays, named ledger_*, harmless
            }
        }));
    }

    private static String serverUrl() {
        try (Connection c = DriverManager.getConnection(LOCAL_POSTGRES, USER, "")) {
            return LOCAL_POSTGRES;
        } catch (SQLException local) {
            try {
                if (embedded == null) {
                    embedded = EmbeddedPostgres.builder().start();
                }
                return embedded.getJdbcUrl("postgres", "postgres");
            } catch (Exception e) {
                IllegalStateException failure = new IllegalStateException(
                        "no PostgreSQL for the ledger's tests: " + LOCAL_POSTGRES + " did not answer ("
                                + local.getMessage() + ") and an embedded PostgreSQL did not start (" + e.getMessage()
                                + "; it refuses to run as root). Start PostgreSQL there or set"
                                + " -Dtessera.test.postgres-url.",
                        e);
                failure.addSuppressed(local);
                throw failure;
            }
        }
    }
}
