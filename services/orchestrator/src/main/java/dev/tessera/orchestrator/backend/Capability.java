package dev.tessera.orchestrator.backend;

import java.util.Locale;
import java.util.Optional;

/** What a backend can do; a request needs some of these, and only backends with all of them are candidates. */
public enum Capability {
    /** Answers a conversation in text. */
    CHAT,
    /** Calls tools from their JSON schemas. */
    TOOLS,
    /** Answers in JSON constrained to a schema. */
    JSON_SCHEMA,
    /** Embeds text. */
    EMBED;

    /** The name used in config and in ListBackends. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Capability> parse(String name) {
        for (Capability c : values()) {
            if (c.configName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
