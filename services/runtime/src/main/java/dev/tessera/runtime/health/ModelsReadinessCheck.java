package dev.tessera.runtime.health;

import dev.tessera.runtime.engine.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means every configured model is loaded and warmed, so Kubernetes sends traffic only to pods that answer at
 * full speed. Each model's state is listed, with the reason when one failed.
 */
@Readiness
@ApplicationScoped
public class ModelsReadinessCheck implements HealthCheck {

    @Inject
    ModelRegistry registry;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("models").status(registry.allReady());
        registry.snapshot()
                .forEach((name, entry) -> builder.withData(
                        name,
                        entry.state() == ModelRegistry.State.FAILED
                                ? "FAILED: " + entry.error()
                                : entry.state().name()));
        return builder.build();
    }
}
