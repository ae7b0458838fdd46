package dev.tessera.orchestrator.routing;

/**
 * A backend the router left out, with why: it goes on the receipt.
 *
 * @param backend the backend's name
 * @param model its model
 * @param reason why it was not called
 */
public record Skipped(String backend, String model, String reason) {}
