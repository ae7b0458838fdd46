package dev.tessera.orchestrator.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the ledger's database answers: without it no call can be paid for, so none is taken. Backends are not
 * part of readiness (a backend that is down is routed around, and an orchestrator held out of rotation until every
 * backend is up would only add an outage); ListBackends reports them.
 */
@Readiness
@ApplicationScoped
public class LedgerReadinessCheck implements HealthCheck {

    private final LedgerProducer ledger;

    @Inject
    public LedgerReadinessCheck(LedgerProducer ledger) {
        this.ledger = ledger;
    }

    @Override
    public HealthCheckResponse call() {
        try (Connection c = ledger.dataSource().getConnection()) {
            return HealthCheckResponse.named("ledger").status(c.isValid(2)).build();
        } catch (SQLException e) {
            return HealthCheckResponse.named("ledger")
                    .down()
                    .withData("error", String.valueOf(e.getSQLState()))
                    .build();
        }
    }
}
