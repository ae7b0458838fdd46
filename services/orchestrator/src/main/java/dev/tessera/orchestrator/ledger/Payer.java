package dev.tessera.orchestrator.ledger;

import java.util.Objects;

/**
 * Who a call is charged to: a tenant, and the API key it came with. Budgets of both apply.
 *
 * @param tenant the tenant's id
 * @param apiKeyId the key's id, or {@code ""} when the call came without one (local mode)
 */
public record Payer(String tenant, String apiKeyId) {

    public Payer {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(apiKeyId, "apiKeyId");
    }
}
