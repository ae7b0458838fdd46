package dev.tessera.orchestrator.routing;

import java.util.Locale;
import java.util.Optional;

/** How the backend for a request is chosen; see {@code tessera.orchestrator.v1.Policy} for each one's rule. */
public enum Policy {
    /** Explicit when the request names a model, else the configured default. */
    AUTO,
    EXPLICIT,
    CHEAPEST_CAPABLE,
    CASCADE,
    SEMANTIC;

    /** The name in config and in REST headers: {@code cheapest-capable}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Policy> parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Policy p : values()) {
            if (p.configName().equals(n)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
