package dev.tessera.orchestrator.accounts;

/**
 * A key just created: the only time the plain key exists outside its holder's hands.
 *
 * @param key the key's description
 * @param plain the key itself
 */
public record IssuedKey(ApiKey key, String plain) {
    @Override
    public String toString() {
        return "IssuedKey[" + key + ", plain=<hidden>]";
    }
}
