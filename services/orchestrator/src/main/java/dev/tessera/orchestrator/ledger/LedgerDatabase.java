package dev.tessera.orchestrator.ledger;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * Opens the ledger's database from a JDBC URL and brings its schema up to date with the Flyway migrations in
 * {@code db/ledger}, which are written once for both databases. The kind of database is read from the URL at run
 * time: {@code jdbc:h2:file:...} (the local default: nothing to install) or {@code jdbc:postgresql://...}
 * (production). That is why the pool is built here rather than by Quarkus' datasource, whose database kind is fixed
 * when the application is built.
 */
public final class LedgerDatabase {

    private LedgerDatabase() {}

    /**
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL; an H2 URL gets PostgreSQL mode and a lock timeout
     *     appended, which the migrations and the ledger's statements rely on
     * @param maxConnections the pool's size; it bounds how many ledger transactions run at once
     */
    public static AgroalDataSource open(String url, String username, String password, int maxConnections)
            throws SQLException {
        String jdbcUrl = effectiveUrl(url);
        if (jdbcUrl.startsWith("jdbc:h2:file:")) {
            createParent(jdbcUrl.substring("jdbc:h2:file:".length()));
        }
        AgroalDataSource ds = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.initialSize(1)
                        .minSize(1)
                        .maxSize(maxConnections)
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .validationTimeout(Duration.ofSeconds(30))
                        .connectionFactoryConfiguration(cf -> {
                            cf.jdbcUrl(jdbcUrl);
                            // the driver by class, not through DriverManager, which only hands out drivers its
                            // caller's class loader registered (a restarted application would find none)
                            driverOf(jdbcUrl).ifPresent(cf::connectionProviderClass);
                            if (username != null && !username.isEmpty()) {
                                cf.principal(new NamePrincipal(username));
                            }
                            if (password != null && !password.isEmpty()) {
                                cf.credential(new SimplePassword(password));
                            }
                            return cf;
                        })));
        try {
            Flyway.configure(LedgerDatabase.class.getClassLoader())
                    .dataSource(ds)
                    .locations("classpath:db/ledger")
                    .table("ledger_schema_history")
                    // a session lock instead of one inside a transaction: a migration may then build an index
                    // CONCURRENTLY, and a server that runs every connection in one session (PGlite, in the pgvector
                    // tests) does not wait on the lock's open transaction
                    .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return ds;
    }

    /** The JDBC driver for the two databases the ledger runs on; empty for another (DriverManager finds it). */
    static Optional<Class<?>> driverOf(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return Optional.of(org.h2.Driver.class);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return Optional.of(org.postgresql.Driver.class);
        }
        return Optional.empty();
    }

    /**
     * The URL as opened: H2 in PostgreSQL mode with a lock timeout long enough for a hot budget row, and every commit
     * written out before it returns ({@code WRITE_DELAY=0}). H2's default holds commits in memory for up to 500 ms, so
     * a process killed in that window (a pod's SIGKILL, the OOM killer) loses money records it had acknowledged:
     * measured, a row committed and then {@code Runtime.halt} was gone on reopening, 3 times of 3, and present with
     * {@code WRITE_DELAY=0}, 3 of 3. Group commit keeps the number of writes low.
     */
    static String effectiveUrl(String url) {
        String upper = url.toUpperCase(Locale.ROOT);
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String effective = url;
        if (!upper.contains(";MODE=")) {
            effective += ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000";
        }
        if (!upper.contains(";WRITE_DELAY=")) {
            effective += ";WRITE_DELAY=0";
        }
        return effective;
    }

    private static void createParent(String pathAndOptions) {
        String path = pathAndOptions.split(";", 2)[0];
        if (path.startsWith("~") || path.isEmpty()) {
            return;
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create the ledger's directory " + parent + ": " + e.getMessage(), e);
        }
    }
}
