package dev.tessera.orchestrator.service;

/**
 * A backend's answer and the receipt for it.
 *
 * @param answer the family response, passed through as the backend gave it
 * @param receipt how it was reached and what it cost
 */
public record Routed<T>(T answer, Receipt receipt) {}
