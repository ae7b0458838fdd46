package dev.tessera.runtime.serving;

import java.util.List;
import java.util.Optional;

/**
 * The keys every family's configuration shares, under {@code tessera.<family>}: which models the process loads and
 * which one answers a request that names none. A family's {@code @ConfigMapping} extends this interface, so these keys
 * have the same shape in every family.
 */
public interface FamilyConfig {

    /**
     * The models to load at startup, by manifest name. Each costs memory and startup time, so a deployment loads only
     * what it routes to.
     */
    List<String> models();

    /** The model for requests that name none; the first of {@link #models()} when unset. */
    Optional<String> defaultModel();
}
