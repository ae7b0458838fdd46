package dev.tessera.runtime.engine;

import dev.tessera.runtime.config.RuntimeConfig;
import dev.tessera.runtime.model.ModelLocator;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the process-wide engine and model locator from {@link RuntimeConfig}, once. */
public class RuntimeProducers {

    /**
     * The engine is created eagerly at startup, so that an execution provider that cannot run stops the service before
     * it reports live.
     */
    @Produces
    @Singleton
    @Startup
    OnnxEngine engine(RuntimeConfig config) {
        return new OnnxEngine(config.engineSettings());
    }

    @Produces
    @Singleton
    ModelLocator locator(RuntimeConfig config) {
        return new ModelLocator(config.modelDir(), Thread.currentThread().getContextClassLoader());
    }
}
