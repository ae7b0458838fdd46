package dev.tessera.orchestrator.grpc;

import dev.tessera.orchestrator.accounts.Accounts;
import dev.tessera.orchestrator.accounts.IssuedKey;
import dev.tessera.orchestrator.grpc.v1.Admin;
import dev.tessera.orchestrator.grpc.v1.CreateApiKeyRequest;
import dev.tessera.orchestrator.grpc.v1.CreateApiKeyResponse;
import dev.tessera.orchestrator.grpc.v1.CreateTenantRequest;
import dev.tessera.orchestrator.grpc.v1.CreateTenantResponse;
import dev.tessera.orchestrator.grpc.v1.ForgetMemoryRequest;
import dev.tessera.orchestrator.grpc.v1.ForgetMemoryResponse;
import dev.tessera.orchestrator.grpc.v1.GetSpendRequest;
import dev.tessera.orchestrator.grpc.v1.GetSpendResponse;
import dev.tessera.orchestrator.grpc.v1.ListApiKeysRequest;
import dev.tessera.orchestrator.grpc.v1.ListApiKeysResponse;
import dev.tessera.orchestrator.grpc.v1.ListBudgetsRequest;
import dev.tessera.orchestrator.grpc.v1.ListBudgetsResponse;
import dev.tessera.orchestrator.grpc.v1.ListTenantsRequest;
import dev.tessera.orchestrator.grpc.v1.ListTenantsResponse;
import dev.tessera.orchestrator.grpc.v1.RevokeApiKeyRequest;
import dev.tessera.orchestrator.grpc.v1.RevokeApiKeyResponse;
import dev.tessera.orchestrator.grpc.v1.SetBudgetRequest;
import dev.tessera.orchestrator.grpc.v1.SetBudgetResponse;
import dev.tessera.orchestrator.grpc.v1.SetMemoryRetentionRequest;
import dev.tessera.orchestrator.grpc.v1.SetMemoryRetentionResponse;
import dev.tessera.orchestrator.ledger.Budgets;
import dev.tessera.orchestrator.ledger.Ledger;
import dev.tessera.orchestrator.mapping.AdminMapper;
import dev.tessera.orchestrator.memory.Memory;
import dev.tessera.platform.error.ServiceException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.Optional;

/** {@code tessera.orchestrator.v1.Admin}: tenants, keys, budgets and spend, behind the admin key. */
@GrpcService
public class AdminGrpcService implements Admin {

    private final FrontDoor door;
    private final Accounts accounts;
    private final Budgets budgets;
    private final Ledger ledger;
    private final Memory memory;

    @Inject
    public AdminGrpcService(FrontDoor door, Accounts accounts, Budgets budgets, Ledger ledger, Memory memory) {
        this.door = door;
        this.accounts = accounts;
        this.budgets = budgets;
        this.ledger = ledger;
        this.memory = memory;
    }

    @Override
    public Uni<ForgetMemoryResponse> forgetMemory(ForgetMemoryRequest request) {
        return door.admin(() -> {
            Memory.Forgotten f = memory.forget(required(request.getTenant(), "tenant"));
            return ForgetMemoryResponse.newBuilder()
                    .setRuns(f.runs())
                    .setFacts(f.facts())
                    .setRecipes(f.recipes())
                    .build();
        });
    }

    @Override
    public Uni<SetMemoryRetentionResponse> setMemoryRetention(SetMemoryRetentionRequest request) {
        return door.admin(() -> {
            String tenant = required(request.getTenant(), "tenant");
            int days = memory.setRetention(tenant, request.getDays());
            return SetMemoryRetentionResponse.newBuilder()
                    .setTenant(tenant)
                    .setDays(days)
                    .build();
        });
    }

    @Override
    public Uni<CreateTenantResponse> createTenant(CreateTenantRequest request) {
        return door.admin(() -> CreateTenantResponse.newBuilder()
                .setTenant(AdminMapper.toProto(accounts.createTenant(request.getId(), request.getDisplayName())))
                .build());
    }

    @Override
    public Uni<ListTenantsResponse> listTenants(ListTenantsRequest request) {
        return door.admin(() -> {
            ListTenantsResponse.Builder out = ListTenantsResponse.newBuilder();
            accounts.tenants().forEach(t -> out.addTenants(AdminMapper.toProto(t)));
            return out.build();
        });
    }

    @Override
    public Uni<CreateApiKeyResponse> createApiKey(CreateApiKeyRequest request) {
        return door.admin(() -> {
            IssuedKey issued = accounts.createKey(required(request.getTenant(), "tenant"), request.getName());
            return CreateApiKeyResponse.newBuilder()
                    .setApiKey(AdminMapper.toProto(issued.key()))
                    .setKey(issued.plain())
                    .build();
        });
    }

    @Override
    public Uni<RevokeApiKeyResponse> revokeApiKey(RevokeApiKeyRequest request) {
        return door.admin(() -> RevokeApiKeyResponse.newBuilder()
                .setApiKey(AdminMapper.toProto(accounts.revokeKey(required(request.getId(), "id"))))
                .build());
    }

    @Override
    public Uni<ListApiKeysResponse> listApiKeys(ListApiKeysRequest request) {
        return door.admin(() -> {
            ListApiKeysResponse.Builder out = ListApiKeysResponse.newBuilder();
            accounts.keys(required(request.getTenant(), "tenant")).forEach(k -> out.addApiKeys(AdminMapper.toProto(k)));
            return out.build();
        });
    }

    @Override
    public Uni<SetBudgetResponse> setBudget(SetBudgetRequest request) {
        return door.admin(() -> SetBudgetResponse.newBuilder()
                .setBudget(AdminMapper.toProto(budgets.set(
                        required(request.getTenant(), "tenant"),
                        request.getApiKeyId(),
                        AdminMapper.period(request.getPeriod(), "period"),
                        request.getLimitMicros())))
                .build());
    }

    @Override
    public Uni<ListBudgetsResponse> listBudgets(ListBudgetsRequest request) {
        return door.admin(() -> {
            ledger.flush();
            ListBudgetsResponse.Builder out = ListBudgetsResponse.newBuilder();
            budgets.list(required(request.getTenant(), "tenant")).forEach(b -> out.addBudgets(AdminMapper.toProto(b)));
            return out.build();
        });
    }

    @Override
    public Uni<GetSpendResponse> getSpend(GetSpendRequest request) {
        return door.admin(() -> {
            if (request.getFromUnixMs() < 0 || request.getToUnixMs() < 0) {
                throw ServiceException.invalidArgument(
                        request.getFromUnixMs() < 0 ? "from_unix_ms" : "to_unix_ms", "must not be negative");
            }
            ledger.flush();
            long to = request.getToUnixMs() == 0 ? System.currentTimeMillis() + 1 : request.getToUnixMs();
            GetSpendResponse.Builder out = GetSpendResponse.newBuilder();
            ledger.spend(
                            request.getTenant().isEmpty() ? Optional.empty() : Optional.of(request.getTenant()),
                            request.getFromUnixMs(),
                            to,
                            AdminMapper.groupBy(request.getGroupBy()))
                    .forEach(r -> out.addRows(AdminMapper.toProto(r)));
            return out.build();
        });
    }

    private static String required(String value, String field) {
        if (value.isEmpty()) {
            throw ServiceException.invalidArgument(field, "is required");
        }
        return value;
    }
}
