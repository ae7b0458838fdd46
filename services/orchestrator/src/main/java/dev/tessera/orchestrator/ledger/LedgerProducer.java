package dev.tessera.orchestrator.ledger;

import dev.tessera.orchestrator.accounts.Accounts;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.memory.Memory;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Opens the ledger's database once, migrated, and hands out the ledger, budgets and accounts over it; returns the
 * money of expired leases on a schedule (every replica does; each reservation expires once).
 */
@Singleton
public class LedgerProducer {

    private static final Logger LOG = Logger.getLogger(LedgerProducer.class);

    private final AgroalDataSource db;
    private final Ledger ledger;
    private final Budgets budgets;
    private final Accounts accounts;
    private final Memory memory;

    @Inject
    public LedgerProducer(OrchestratorConfig config) throws SQLException {
        OrchestratorConfig.Ledger c = config.ledger();
        this.db = LedgerDatabase.open(
                c.jdbcUrl(), c.username().orElse(""), c.password().orElse(""), c.maxConnections());
        String url = c.jdbcUrl();
        LOG.infof("ledger: %s", url.contains("@") ? url.substring(0, url.indexOf(':', 5)) + ":..." : url);
        this.ledger = new Ledger(
                db,
                System::currentTimeMillis,
                c.writers(),
                c.maxBatch(),
                c.budgetCacheTtl().toMillis(),
                c.commitLinger().toMillis());
        this.budgets = new Budgets(db, System::currentTimeMillis, ledger::budgetsChanged);
        this.accounts = new Accounts(db, System::currentTimeMillis);
        this.memory = new Memory(db, System::currentTimeMillis, config.agent().retentionDays());
        LOG.infof("agent memory: %s", memory.vectorSearchSupport());
    }

    /** The pool, for the readiness check. */
    DataSource dataSource() {
        return db;
    }

    @Produces
    @Singleton
    Ledger ledger() {
        return ledger;
    }

    @Produces
    @Singleton
    Budgets budgets() {
        return budgets;
    }

    @Produces
    @Singleton
    Accounts accounts() {
        return accounts;
    }

    @Produces
    @Singleton
    Memory memory() {
        return memory;
    }

    @Scheduled(
            every = "${tessera.orchestrator.ledger.expiry-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireLeases() {
        try {
            while (ledger.expireLeases(500) == 500) {
                // more are due; keep going
            }
        } catch (RuntimeException e) {
            LOG.warnf("expiring leases failed, will try again: %s", e.getMessage());
        }
    }

    /** Erases agent memory older than each tenant's retention. */
    @Scheduled(
            every = "${tessera.orchestrator.agent.sweep-interval:1h}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepMemory() {
        try {
            long erased = memory.sweep();
            if (erased > 0) {
                LOG.infof("agent memory: %d rows past their tenant's retention erased", erased);
            }
        } catch (RuntimeException e) {
            LOG.warnf("sweeping agent memory failed, will try again: %s", e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        ledger.close();
        db.close();
    }
}
