package dev.tessera.orchestrator.backend;

/**
 * Whether a backend is a candidate now.
 *
 * @param healthy serving, its model listed, its breaker closed
 * @param reason why not, when not
 */
public record BackendHealth(boolean healthy, String reason) {}
