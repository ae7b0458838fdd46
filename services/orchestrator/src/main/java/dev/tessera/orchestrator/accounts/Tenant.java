package dev.tessera.orchestrator.accounts;

/**
 * Who is billed.
 *
 * @param id 1 to 64 characters of [A-Za-z0-9._-]
 * @param displayName a name for people
 * @param createdMillis when it was created, in Unix epoch milliseconds
 */
public record Tenant(String id, String displayName, long createdMillis) {}
