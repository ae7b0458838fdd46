package dev.tessera.orchestrator.accounts;

/**
 * An API key, described without the key itself (only its SHA-256 is stored).
 *
 * @param id the key's id, to revoke it and to give it a budget
 * @param tenant the tenant it belongs to
 * @param name a name for people
 * @param prefix the key's first characters, to recognise it
 * @param createdMillis when it was created
 * @param revokedMillis when it was revoked; 0 while valid
 */
public record ApiKey(String id, String tenant, String name, String prefix, long createdMillis, long revokedMillis) {}
