package dev.tessera.orchestrator.mapping;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.grpc.v1.Routing;
import dev.tessera.orchestrator.routing.Demand;
import dev.tessera.orchestrator.routing.Policy;
import dev.tessera.orchestrator.routing.RouteRequest;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.ResponseFormat;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads what the router and the ledger need from a family request, and refuses what is over the orchestrator's
 * limits before anything is reserved. The rest of the request's validation is the family's: a request it refuses
 * costs nothing, since its reservation is released.
 */
@Singleton
public class RequestMapper {

    private final OrchestratorConfig.Limits limits;

    @Inject
    public RequestMapper(OrchestratorConfig config) {
        this(config.limits());
    }

    RequestMapper(OrchestratorConfig.Limits limits) {
        this.limits = limits;
    }

    /**
     * The request as it will be forwarded: {@code max_tokens} set (the orchestrator's default when the client gave
     * none), so the backend is bound by what was reserved.
     *
     * @param prefix where the request sits in the call, for field names ({@code ""} or {@code "request."})
     */
    public GenerateRequest forwarded(GenerateRequest request, String prefix) {
        if (request.hasMaxTokens()) {
            if (request.getMaxTokens() > limits.maxTokens()) {
                throw ServiceException.invalidArgument(
                        prefix + "max_tokens",
                        "is " + Integer.toUnsignedString(request.getMaxTokens()) + "; the limit is "
                                + limits.maxTokens());
            }
            return request;
        }
        return request.toBuilder()
                .setMaxTokens(Math.min(limits.defaultMaxTokens(), limits.maxTokens()))
                .build();
    }

    /** What a (forwarded) generation needs and how large it can be. */
    public Demand demand(GenerateRequest request, String prefix) {
        long bytes = 0;
        String lastUser = "";
        for (Message m : request.getMessagesList()) {
            bytes += utf8(m.getContent());
            for (var call : m.getToolCallsList()) {
                bytes += utf8(call.getName()) + utf8(call.getArgumentsJson()) + utf8(call.getId());
            }
            if (m.getRole() == Role.ROLE_USER) {
                lastUser = m.getContent();
            }
        }
        for (Tool t : request.getToolsList()) {
            bytes += utf8(t.getName()) + utf8(t.getDescription()) + utf8(t.getParametersJsonSchema());
        }
        bytes += utf8(request.getResponseFormat().getJsonSchema());
        if (bytes > limits.maxInputBytes()) {
            throw ServiceException.invalidArgument(
                    prefix + "messages",
                    "the request holds " + bytes + " bytes of text; the limit is " + limits.maxInputBytes());
        }
        // a request with tools needs a tool model; one without, a model that answers in text
        boolean toolsOff = request.getToolChoice().getChoiceCase() == ToolChoice.ChoiceCase.MODE
                && request.getToolChoice().getMode() == ToolChoice.Mode.MODE_NONE;
        Set<Capability> needs =
                EnumSet.of(request.getToolsCount() > 0 && !toolsOff ? Capability.TOOLS : Capability.CHAT);
        if (request.getResponseFormat().getType() == ResponseFormat.Type.TYPE_JSON_SCHEMA) {
            needs.add(Capability.JSON_SCHEMA);
        }
        return new Demand(
                Contract.TEXTGEN,
                needs,
                bytes,
                request.getMessagesCount(),
                request.getMaxTokens(),
                List.of(),
                lastUser,
                0);
    }

    /** What an embedding request needs and how large it can be. */
    public Demand demand(EmbedRequest request, String prefix) {
        if (request.getInputsCount() > limits.maxEmbedInputs()) {
            throw ServiceException.invalidArgument(
                    prefix + "inputs",
                    "has " + request.getInputsCount() + " inputs; the limit is " + limits.maxEmbedInputs());
        }
        List<Integer> each = new ArrayList<>(request.getInputsCount());
        long total = 0;
        for (String input : request.getInputsList()) {
            int bytes = utf8(input);
            each.add(bytes);
            total += bytes;
        }
        if (total > limits.maxInputBytes()) {
            throw ServiceException.invalidArgument(
                    prefix + "inputs", "holds " + total + " bytes of text; the limit is " + limits.maxInputBytes());
        }
        return new Demand(Contract.EMBEDDING, Set.of(Capability.EMBED), total, 0, 0, List.copyOf(each), "", 0);
    }

    /** The routing a plain family-contract call gets: the model it names, or the default policy. */
    public RouteRequest routeOf(String model) {
        return new RouteRequest(model, Policy.AUTO, OptionalLong.empty(), 0);
    }

    /** The routing a call on the orchestrator's own contract asks for. */
    public RouteRequest routeOf(String model, Routing routing) {
        Policy policy = switch (routing.getPolicy()) {
            case POLICY_UNSPECIFIED -> Policy.AUTO;
            case POLICY_EXPLICIT -> Policy.EXPLICIT;
            case POLICY_CHEAPEST_CAPABLE -> Policy.CHEAPEST_CAPABLE;
            case POLICY_CASCADE -> Policy.CASCADE;
            case POLICY_SEMANTIC -> Policy.SEMANTIC;
            case UNRECOGNIZED ->
                throw ServiceException.invalidArgument("routing.policy", "unknown policy " + routing.getPolicyValue());
        };
        OptionalLong maxCost = OptionalLong.empty();
        if (routing.hasMaxCostMicros()) {
            maxCost = OptionalLong.of(maxCost(routing.getMaxCostMicros(), "routing.max_cost_micros"));
        }
        return new RouteRequest(model, policy, maxCost, Math.max(0, routing.getMinQualityTier()));
    }

    /** A maximum cost, checked: positive, and not absurd. */
    public long maxCost(long micros, String field) {
        if (micros <= 0) {
            throw ServiceException.invalidArgument(
                    field, "is " + micros + "; give a positive number of micro-dollars, or leave it unset");
        }
        if (micros > limits.maxCostMicros()) {
            throw ServiceException.invalidArgument(
                    field,
                    "is " + micros + " micro-dollars; the most one request may be allowed is "
                            + limits.maxCostMicros());
        }
        return micros;
    }

    private static int utf8(String s) {
        int ascii = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return ascii;
    }
}
