package dev.tessera.orchestrator.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.orchestrator.accounts.Authenticator;
import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.ledger.Ledger;
import dev.tessera.orchestrator.mapping.RequestMapper;
import dev.tessera.orchestrator.routing.Policy;
import dev.tessera.orchestrator.routing.RouteRequest;
import dev.tessera.orchestrator.service.CallScope;
import dev.tessera.orchestrator.service.OrchestratorService;
import dev.tessera.orchestrator.service.Routed;
import dev.tessera.platform.error.GrpcErrors;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.platform.grpc.TraceParent;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * OpenAI's REST API on the orchestrator's port, so the official clients work unchanged: chat completions (streamed as
 * Server-Sent Events in OpenAI's chunk format), embeddings (float or base64) and the model list. {@code model: "auto"}
 * is routed; a backend's name selects it. Routing beyond that comes in headers a plain client can ignore:
 * {@code x-tessera-policy}, {@code x-tessera-max-cost-micros}, {@code x-tessera-min-quality-tier}. Each answer carries
 * the receipt as {@code tessera_receipt}, a field OpenAI clients pass over.
 */
@Path("/v1")
public class OpenAiResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OrchestratorService service;
    private final RequestMapper mapper;
    private final Authenticator authenticator;
    private final BackendRegistry backends;
    private final long started = System.currentTimeMillis() / 1000;

    @Inject
    public OpenAiResource(
            OrchestratorService service, RequestMapper mapper, Authenticator authenticator, BackendRegistry backends) {
        this.service = service;
        this.mapper = mapper;
        this.authenticator = authenticator;
        this.backends = backends;
    }

    /** Routing headers, optional. */
    public record RoutingHeaders(String policy, String maxCost, String minTier, String requestId) {}

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
    public Response chat(
            String body,
            @HeaderParam("authorization") String authorization,
            @HeaderParam("x-tessera-policy") String policy,
            @HeaderParam("x-tessera-max-cost-micros") String maxCost,
            @HeaderParam("x-tessera-min-quality-tier") String minTier,
            @HeaderParam("x-request-id") String requestId,
            @HeaderParam("traceparent") String traceparent,
            @HeaderParam("tracestate") String tracestate,
            @jakarta.ws.rs.core.Context HttpServerResponse http) {
        OpenAiMapper.Chat chat = OpenAiMapper.chat(parse(body));
        GenerateRequest forwarded = mapper.forwarded(chat.request(), "");
        var demand = mapper.demand(forwarded, "");
        RouteRequest route = route(forwarded.getModel(), new RoutingHeaders(policy, maxCost, minTier, requestId));
        OrchestratorService.Call call = call(authorization, requestId);
        Context.CancellableContext cancellable =
                TraceParent.within(Context.current(), traceparent, tracestate).withCancellation();
        http.closeHandler(closed -> cancellable.cancel(null));
        CallScope scope = CallScope.capture(cancellable);
        String id = "chatcmpl-" + call.requestId();
        long created = System.currentTimeMillis() / 1000;
        if (!chat.stream()) {
            Routed<GenerateResponse> routed;
            try {
                routed = scope.run(() -> service.generate(call, forwarded, demand, route));
            } finally {
                cancellable.cancel(null);
            }
            return Response.ok(
                            OpenAiMapper.completion(id, created, routed.answer(), routed.receipt()),
                            MediaType.APPLICATION_JSON)
                    .header("x-request-id", call.requestId())
                    .build();
        }
        OrchestratorService.OpenStream open;
        try {
            open = scope.run(() -> service.openStream(call, forwarded, demand, route));
        } catch (RuntimeException e) {
            cancellable.cancel(null);
            throw e;
        }
        StreamingOutput events = out -> stream(cancellable, scope, open, chat, id, created, out);
        return Response.ok(events, "text/event-stream")
                .header("cache-control", "no-cache")
                .header("x-request-id", call.requestId())
                .build();
    }

    private void stream(
            Context.CancellableContext cancellable,
            CallScope scope,
            OrchestratorService.OpenStream open,
            OpenAiMapper.Chat chat,
            String id,
            long created,
            OutputStream out) {
        boolean[] first = {true};
        try {
            Routed<GenerateStreamResponse> routed = scope.run(() -> open.run(m -> {
                send(out, OpenAiMapper.delta(id, created, open.currentModel(), m, first[0]));
                first[0] = false;
            }));
            send(out, OpenAiMapper.last(id, created, routed.answer(), first[0], chat.includeUsage(), routed.receipt()));
            if (chat.includeUsage()) {
                send(out, OpenAiMapper.usageChunk(id, created, routed.answer()));
            }
            sendRaw(out, "[DONE]");
        } catch (RuntimeException e) {
            // the status line is sent; an error event is how OpenAI's clients learn a stream failed
            Throwable cause = e instanceof OrchestratorService.ReceiptedFailure ? e.getCause() : e;
            try {
                send(out, errorBody(cause));
            } catch (UncheckedIOException gone) {
                // the client left; nothing to tell it
            }
        } finally {
            cancellable.cancel(null);
        }
    }

    @POST
    @Path("/embeddings")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response embeddings(
            String body,
            @HeaderParam("authorization") String authorization,
            @HeaderParam("x-tessera-policy") String policy,
            @HeaderParam("x-tessera-max-cost-micros") String maxCost,
            @HeaderParam("x-tessera-min-quality-tier") String minTier,
            @HeaderParam("x-request-id") String requestId,
            @HeaderParam("traceparent") String traceparent,
            @HeaderParam("tracestate") String tracestate,
            @jakarta.ws.rs.core.Context HttpServerResponse http) {
        OpenAiMapper.Embeddings request = OpenAiMapper.embeddings(parse(body));
        var demand = mapper.demand(request.request(), "").withDimensions(request.dimensions());
        RouteRequest route =
                route(request.request().getModel(), new RoutingHeaders(policy, maxCost, minTier, requestId));
        OrchestratorService.Call call = call(authorization, requestId);
        Context.CancellableContext cancellable =
                TraceParent.within(Context.current(), traceparent, tracestate).withCancellation();
        http.closeHandler(closed -> cancellable.cancel(null));
        CallScope scope = CallScope.capture(cancellable);
        Routed<EmbedResponse> routed;
        try {
            routed = scope.run(() -> service.embed(call, request.request(), demand, route));
        } finally {
            cancellable.cancel(null);
        }
        if (request.dimensions() != 0 && request.dimensions() != routed.answer().getDimension()) {
            throw ServiceException.invalidArgument(
                    "dimensions",
                    "model '" + routed.answer().getModel() + "' makes "
                            + routed.answer().getDimension() + "-dimensional vectors and does not shorten them");
        }
        return Response.ok(OpenAiMapper.embeddings(routed.answer(), request.base64(), routed.receipt()))
                .header("x-request-id", call.requestId())
                .build();
    }

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode models(@HeaderParam("authorization") String authorization) {
        authenticator.caller(Optional.ofNullable(authorization));
        ObjectNode out = JSON.createObjectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        data.add(modelObject("auto", "tessera (routed)"));
        for (Backend b : backends.all()) {
            data.add(modelObject(b.name(), "tessera (" + b.spec().family() + ")"));
        }
        return out;
    }

    @GET
    @Path("/models/{model}")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode model(@PathParam("model") String name, @HeaderParam("authorization") String authorization) {
        authenticator.caller(Optional.ofNullable(authorization));
        if (name.equals("auto")) {
            return modelObject("auto", "tessera (routed)");
        }
        Backend b =
                backends.find(name).orElseThrow(() -> ServiceException.notFound("model", "no model '" + name + "'"));
        return modelObject(b.name(), "tessera (" + b.spec().family() + ")");
    }

    private ObjectNode modelObject(String id, String owner) {
        return JSON.createObjectNode()
                .put("id", id)
                .put("object", "model")
                .put("created", started)
                .put("owned_by", owner);
    }

    // ---- errors, in OpenAI's shape ----

    @ServerExceptionMapper
    public Response mapServiceException(ServiceException e) {
        return error(e);
    }

    @ServerExceptionMapper
    public Response mapStatus(io.grpc.StatusRuntimeException e) {
        return error(e);
    }

    @ServerExceptionMapper
    public Response mapReceipted(OrchestratorService.ReceiptedFailure e) {
        return error(e.getCause());
    }

    /** A failure as an HTTP response in OpenAI's error shape, which the mesh's other REST endpoints share. */
    public static Response error(Throwable failure) {
        Status status = GrpcErrors.toStatus(failure).getStatus();
        int http = httpStatus(status, failure);
        return Response.status(http)
                .type(MediaType.APPLICATION_JSON)
                .entity(errorBody(failure))
                .build();
    }

    /** A failure as OpenAI's error object, for the body of an error response or an error event of a stream. */
    public static ObjectNode errorBody(Throwable failure) {
        Status status = GrpcErrors.toStatus(failure).getStatus();
        String param = failure instanceof ServiceException se ? se.field() : null;
        String message = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE ->
                OpenAiMapper.error(message, "invalid_request_error", param, null);
            case NOT_FOUND ->
                OpenAiMapper.error(
                        message,
                        "invalid_request_error",
                        param,
                        "model".equals(param) ? "model_not_found" : "not_found");
            case UNAUTHENTICATED -> OpenAiMapper.error(message, "invalid_request_error", null, "invalid_api_key");
            case PERMISSION_DENIED -> OpenAiMapper.error(message, "permission_error", null, "permission_denied");
            case RESOURCE_EXHAUSTED ->
                Ledger.BUDGET_FIELD.equals(param)
                        ? OpenAiMapper.error(message, "insufficient_quota", null, "insufficient_quota")
                        : OpenAiMapper.error(message, "rate_limit_error", null, "rate_limit_exceeded");
            case UNAVAILABLE -> OpenAiMapper.error(message, "server_error", null, "service_unavailable");
            case DEADLINE_EXCEEDED -> OpenAiMapper.error(message, "server_error", null, "timeout");
            default -> OpenAiMapper.error(message, "server_error", null, null);
        };
    }

    private static int httpStatus(Status status, Throwable failure) {
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case CANCELLED -> 499;
            default -> 500;
        };
    }

    // ---- plumbing ----

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ServiceException.invalidArgument("body", "is empty; send a JSON object");
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ServiceException.invalidArgument("body", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private OrchestratorService.Call call(String authorization, String requestId) {
        var caller = authenticator.caller(Optional.ofNullable(authorization));
        String id = requestId == null || requestId.isBlank() ? UUID.randomUUID().toString() : requestId.strip();
        if (id.length() > 128) {
            throw ServiceException.invalidArgument("x-request-id", "is longer than 128 characters");
        }
        return new OrchestratorService.Call(caller, id, Long.MAX_VALUE, "model");
    }

    private RouteRequest route(String model, RoutingHeaders h) {
        Policy policy = Policy.AUTO;
        if (h.policy() != null && !h.policy().isBlank()) {
            policy = Policy.parse(h.policy())
                    .filter(p -> p != Policy.AUTO)
                    .orElseThrow(() -> ServiceException.invalidArgument(
                            "x-tessera-policy",
                            "'" + h.policy() + "' is not one of explicit, cheapest-capable, cascade, semantic"));
        }
        OptionalLong maxCost = OptionalLong.empty();
        if (h.maxCost() != null && !h.maxCost().isBlank()) {
            try {
                maxCost = OptionalLong.of(
                        mapper.maxCost(Long.parseLong(h.maxCost().strip()), "x-tessera-max-cost-micros"));
            } catch (NumberFormatException e) {
                throw ServiceException.invalidArgument("x-tessera-max-cost-micros", "must be an integer");
            }
        }
        int tier = 0;
        if (h.minTier() != null && !h.minTier().isBlank()) {
            try {
                tier = Integer.parseInt(h.minTier().strip());
            } catch (NumberFormatException e) {
                throw ServiceException.invalidArgument("x-tessera-min-quality-tier", "must be an integer");
            }
            if (tier < 0) {
                throw ServiceException.invalidArgument("x-tessera-min-quality-tier", "must not be negative");
            }
        }
        return new RouteRequest(model, policy, maxCost, tier);
    }

    private static void send(OutputStream out, ObjectNode event) {
        sendRaw(out, event.toString());
    }

    private static void sendRaw(OutputStream out, String data) {
        try {
            out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
