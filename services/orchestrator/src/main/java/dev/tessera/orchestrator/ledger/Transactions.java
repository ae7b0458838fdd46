package dev.tessera.orchestrator.ledger;

import dev.tessera.platform.error.ServiceException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/** Transactions on the ledger's database, retried when the database aborts one for contention. */
public final class Transactions {

    private static final Logger LOG = Logger.getLogger(Transactions.class);
    private static final int MAX_ATTEMPTS = 5;

    private Transactions() {}

    /** One unit of work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction, again (up to {@value #MAX_ATTEMPTS} times) when the database aborts it
     * for a serialization failure or a deadlock, which PostgreSQL and H2 both may do under contention.
     */
    public static <T> T run(DataSource db, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    safeRollback(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && retryable(e)) {
                    continue;
                }
                LOG.error("ledger transaction failed", e);
                throw ServiceException.unavailable(
                        "the ledger's database failed (SQLState " + e.getSQLState() + "); nothing was charged");
            }
        }
    }

    private static boolean retryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                // 40001 serialization failure, 40P01 deadlock (PostgreSQL); H2 reports deadlocks and lock timeouts
                // as 40001 and HYT00
                if ("40001".equals(state) || "40P01".equals(state) || "HYT00".equals(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void safeRollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed next; the pool discards it if it is broken
        }
    }
}
