package dev.tessera.orchestrator.backend;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the first round of backend probes has finished, whatever it found: a pod that took traffic before
 * it knew any backend would answer UNAVAILABLE to all of it (seen in tests/deploy's ReadOnlyRootTest, where the
 * orchestrator was ready a few milliseconds before its first probe). Backends being down afterwards does not make it
 * unready; LedgerReadinessCheck says why.
 */
@Readiness
@ApplicationScoped
public class BackendsProbedCheck implements HealthCheck {

    private final BackendRegistry registry;

    @Inject
    public BackendsProbedCheck(BackendRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("backends probed")
                .status(registry.probedOnce())
                .build();
    }
}
