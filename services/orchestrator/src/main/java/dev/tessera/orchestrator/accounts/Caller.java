package dev.tessera.orchestrator.accounts;

import dev.tessera.orchestrator.ledger.Payer;

/**
 * Who is calling, as established from the {@code authorization} header.
 *
 * @param tenant the tenant billed
 * @param apiKeyId the key used, or {@code ""} when keys are not required and none was given (local mode)
 * @param admin whether the call came with the admin key
 */
public record Caller(String tenant, String apiKeyId, boolean admin) {

    /** The ledger's view of who pays. */
    public Payer payer() {
        return new Payer(tenant, apiKeyId);
    }
}
