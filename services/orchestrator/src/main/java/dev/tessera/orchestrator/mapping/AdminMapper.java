package dev.tessera.orchestrator.mapping;

import dev.tessera.orchestrator.grpc.v1.ApiKey;
import dev.tessera.orchestrator.grpc.v1.Budget;
import dev.tessera.orchestrator.grpc.v1.Period;
import dev.tessera.orchestrator.grpc.v1.SpendRow;
import dev.tessera.orchestrator.grpc.v1.Tenant;
import dev.tessera.orchestrator.ledger.BudgetState;
import dev.tessera.platform.error.ServiceException;

/** Accounts and budgets to and from {@code tessera.orchestrator.v1}'s Admin messages. */
public final class AdminMapper {

    private AdminMapper() {}

    public static Tenant toProto(dev.tessera.orchestrator.accounts.Tenant t) {
        return Tenant.newBuilder()
                .setId(t.id())
                .setDisplayName(t.displayName())
                .setCreatedUnixMs(t.createdMillis())
                .build();
    }

    public static ApiKey toProto(dev.tessera.orchestrator.accounts.ApiKey k) {
        return ApiKey.newBuilder()
                .setId(k.id())
                .setTenant(k.tenant())
                .setName(k.name())
                .setPrefix(k.prefix())
                .setCreatedUnixMs(k.createdMillis())
                .setRevokedUnixMs(k.revokedMillis())
                .build();
    }

    public static Budget toProto(BudgetState b) {
        return Budget.newBuilder()
                .setId(b.id())
                .setTenant(b.tenant())
                .setApiKeyId(b.apiKeyId())
                .setPeriod(toProto(b.period()))
                .setLimitMicros(b.limitMicros())
                .setSpentMicros(b.spentMicros())
                .setReservedMicros(b.reservedMicros())
                .setWindowStartUnixMs(b.windowStart())
                .build();
    }

    public static SpendRow toProto(dev.tessera.orchestrator.ledger.SpendRow r) {
        return SpendRow.newBuilder()
                .setTenant(r.tenant())
                .setModel(r.model())
                .setPeriodStartUnixMs(r.periodStartMillis())
                .setCalls(r.calls())
                .setChargedMicros(r.chargedMicros())
                .build();
    }

    public static Period toProto(dev.tessera.orchestrator.ledger.Period p) {
        return switch (p) {
            case TOTAL -> Period.PERIOD_TOTAL;
            case DAILY -> Period.PERIOD_DAILY;
            case MONTHLY -> Period.PERIOD_MONTHLY;
        };
    }

    /** A budget's period; it must be set. */
    public static dev.tessera.orchestrator.ledger.Period period(Period p, String field) {
        return switch (p) {
            case PERIOD_TOTAL -> dev.tessera.orchestrator.ledger.Period.TOTAL;
            case PERIOD_DAILY -> dev.tessera.orchestrator.ledger.Period.DAILY;
            case PERIOD_MONTHLY -> dev.tessera.orchestrator.ledger.Period.MONTHLY;
            case PERIOD_UNSPECIFIED ->
                throw ServiceException.invalidArgument(
                        field, "is required: PERIOD_TOTAL, PERIOD_DAILY or PERIOD_MONTHLY");
            case UNRECOGNIZED -> throw ServiceException.invalidArgument(field, "unknown period " + p.getNumber());
        };
    }

    /** A spend grouping; unset means one row over the range. */
    public static dev.tessera.orchestrator.ledger.Period groupBy(Period p) {
        return p == Period.PERIOD_UNSPECIFIED ? dev.tessera.orchestrator.ledger.Period.TOTAL : period(p, "group_by");
    }
}
