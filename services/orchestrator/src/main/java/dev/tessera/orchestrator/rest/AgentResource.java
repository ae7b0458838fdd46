package dev.tessera.orchestrator.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.orchestrator.accounts.Authenticator;
import dev.tessera.orchestrator.agent.AgentEvent;
import dev.tessera.orchestrator.agent.AgentService;
import dev.tessera.orchestrator.mapping.RequestMapper;
import dev.tessera.orchestrator.memory.Memory;
import dev.tessera.orchestrator.openai.OpenAiResource;
import dev.tessera.orchestrator.routing.Policy;
import dev.tessera.orchestrator.routing.RouteRequest;
import dev.tessera.orchestrator.service.CallScope;
import dev.tessera.orchestrator.service.OrchestratorService;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.platform.grpc.TraceParent;
import io.grpc.Context;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The agent over REST: {@code POST /v1/agent/runs} streams a run's events as Server-Sent Events (one {@code event:} per
 * kind: thought, action, observation, cost, end; the data is the event's JSON), and {@code GET /v1/agent/runs/{id}}
 * returns a run's transcript. The same runs as the gRPC {@code tessera.orchestrator.v1.Agent}; bad requests are
 * refused with a 400 naming the field before the stream starts, in OpenAI's error shape.
 */
@Path("/v1/agent/runs")
public class AgentResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentService agent;
    private final Authenticator authenticator;
    private final RequestMapper mapper;

    @Inject
    public AgentResource(AgentService agent, Authenticator authenticator, RequestMapper mapper) {
        this.agent = agent;
        this.authenticator = authenticator;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces("text/event-stream")
    public Response run(
            String body,
            @HeaderParam("authorization") String authorization,
            @HeaderParam("x-request-id") String requestId,
            @HeaderParam("traceparent") String traceparent,
            @HeaderParam("tracestate") String tracestate,
            @jakarta.ws.rs.core.Context HttpServerResponse http) {
        JsonNode json = parse(body);
        AgentService.RunRequest request = request(json);
        long deadline = Long.MAX_VALUE;
        JsonNode timeout = json.path("timeout_ms");
        if (!timeout.isMissingNode() && !timeout.isNull()) {
            if (!timeout.canConvertToLong() || timeout.asLong() <= 0) {
                throw ServiceException.invalidArgument("timeout_ms", "must be a positive number of milliseconds");
            }
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeout.asLong(), 86_400_000L));
        }
        OrchestratorService.Call call = call(authorization, requestId, deadline);
        Context.CancellableContext cancellable =
                TraceParent.within(Context.current(), traceparent, tracestate).withCancellation();
        // a run prepared (and paid for) but not yet started: a client that leaves before the stream starts gets
        // its reservation back now rather than when the lease expires
        AtomicReference<AgentService.Prepared> waiting = new AtomicReference<>();
        http.closeHandler(closed -> {
            cancellable.cancel(null);
            AgentService.Prepared left = waiting.getAndSet(null);
            if (left != null) {
                agent.abandon(left);
            }
        });
        CallScope scope = CallScope.capture(cancellable);
        AgentService.Prepared run;
        try {
            run = scope.run(() -> agent.prepare(call, request));
        } catch (RuntimeException e) {
            cancellable.cancel(null);
            throw e;
        }
        waiting.set(run);
        if (cancellable.isCancelled() && waiting.getAndSet(null) != null) {
            agent.abandon(run);
        }
        StreamingOutput events = out -> {
            if (waiting.getAndSet(null) == null) {
                return; // the client left before the stream started, and the run was abandoned
            }
            try {
                scope.run(() -> agent.run(run, e -> send(out, e)));
            } finally {
                cancellable.cancel(null);
            }
        };
        return Response.ok(events, "text/event-stream")
                .header("cache-control", "no-cache")
                .header("x-request-id", call.requestId())
                .header("x-tessera-run-id", run.id())
                .build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode get(@PathParam("id") String id, @HeaderParam("authorization") String authorization) {
        Memory.StoredRun run = agent.get(call(authorization, null, Long.MAX_VALUE), id);
        ObjectNode out = JSON.createObjectNode()
                .put("run_id", run.id())
                .put("goal", run.goal())
                .put("max_steps", run.maxSteps())
                .put("budget_micros", run.budgetMicros())
                .put("state", run.state().toLowerCase(java.util.Locale.ROOT))
                .put("created_unix_ms", run.createdAt());
        run.tools().forEach(out.putArray("tools")::add);
        var events = out.putArray("events");
        for (String e : run.events()) {
            events.add(JSON.valueToTree(AgentService.parse(e)));
        }
        return out;
    }

    @ServerExceptionMapper
    public Response mapServiceException(ServiceException e) {
        return OpenAiResource.error(e);
    }

    @ServerExceptionMapper
    public Response mapStatus(io.grpc.StatusRuntimeException e) {
        return OpenAiResource.error(e);
    }

    private AgentService.RunRequest request(JsonNode json) {
        if (!json.isObject()) {
            throw ServiceException.invalidArgument("body", "must be a JSON object");
        }
        List<String> tools = new ArrayList<>();
        JsonNode t = json.path("tools");
        if (!t.isMissingNode() && !t.isNull()) {
            if (!t.isArray()) {
                throw ServiceException.invalidArgument("tools", "must be an array of tool names");
            }
            for (int i = 0; i < t.size(); i++) {
                if (!t.get(i).isTextual()) {
                    throw ServiceException.invalidArgument("tools[" + i + "]", "must be a tool name");
                }
                tools.add(t.get(i).asText());
            }
        }
        Policy policy = Policy.AUTO;
        JsonNode p = json.path("policy");
        if (p.isTextual()) {
            policy = Policy.parse(p.asText())
                    .orElseThrow(() -> ServiceException.invalidArgument(
                            "policy", "unknown policy '" + p.asText() + "'; use cascade or cheapest-capable"));
        }
        return new AgentService.RunRequest(
                text(json, "goal"),
                tools,
                integer(json, "max_steps"),
                whole(json, "budget_micros"),
                new RouteRequest("", policy, OptionalLong.empty(), 0),
                !json.path("recall_recipes").isBoolean()
                        || json.path("recall_recipes").asBoolean());
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.path(field);
        if (!v.isMissingNode() && !v.isNull() && !v.isTextual()) {
            throw ServiceException.invalidArgument(field, "must be a string");
        }
        return v.asText("");
    }

    private static int integer(JsonNode json, String field) {
        long v = whole(json, field);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static long whole(JsonNode json, String field) {
        JsonNode v = json.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ServiceException.invalidArgument(field, "must be a whole number");
        }
        return v.asLong();
    }

    private OrchestratorService.Call call(String authorization, String requestId, long deadline) {
        var caller = authenticator.caller(Optional.ofNullable(authorization));
        String id = requestId == null || requestId.isBlank() ? UUID.randomUUID().toString() : requestId.strip();
        if (id.length() > 128) {
            throw ServiceException.invalidArgument("x-request-id", "is longer than 128 characters");
        }
        return new OrchestratorService.Call(caller, id, deadline, "policy");
    }

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

    private static void send(OutputStream out, AgentEvent event) {
        try {
            String data = JSON.writeValueAsString(event);
            out.write(("event: " + event.kind() + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
