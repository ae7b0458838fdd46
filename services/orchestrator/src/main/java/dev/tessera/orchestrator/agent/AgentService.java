package dev.tessera.orchestrator.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.ledger.Charge;
import dev.tessera.orchestrator.ledger.Ledger;
import dev.tessera.orchestrator.ledger.Reservation;
import dev.tessera.orchestrator.mapping.RequestMapper;
import dev.tessera.orchestrator.memory.Memory;
import dev.tessera.orchestrator.routing.CascadeJudge;
import dev.tessera.orchestrator.routing.Demand;
import dev.tessera.orchestrator.routing.Policy;
import dev.tessera.orchestrator.routing.RoutePlan;
import dev.tessera.orchestrator.routing.RouteRequest;
import dev.tessera.orchestrator.routing.Router;
import dev.tessera.orchestrator.service.Attempt;
import dev.tessera.orchestrator.service.OrchestratorService;
import dev.tessera.orchestrator.service.Outcome;
import dev.tessera.orchestrator.service.Routed;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolCall;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The agent loop (the mesh's Large Action Model): a goal is worked towards in steps, each a model decision through the
 * orchestrator's routing (the cascade by default) constrained to the offered tools, the tool call it makes, and what
 * the tool returns, until the model calls {@code final_answer} or a limit ends the run.
 *
 * <p>What a run may do is fixed before its first step, from the request and the caller's key: its tools, its tenant,
 * its budget. Tool results and memory go into the prompt as data; nothing the model or a tool says is read back as an
 * instruction to the loop, so no observation can widen the tools, change the tenant or raise the budget.
 *
 * <p>Money: before the first step the run reserves the lesser of its budget and its steps times its worst step (which
 * the tenant's budgets may refuse, before anything is called); each step's charges are committed as the step ends; a
 * step whose worst case no longer fits in what is left is not taken; the end returns the rest.
 */
@Singleton
public class AgentService {

    private static final Logger LOG = Logger.getLogger(AgentService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Template tokens and separators a prompt may add per message, in bytes, for the worst case. */
    private static final int MESSAGE_OVERHEAD_BYTES = 64;
    /** The most bytes one generated token can spell (byte-level BPE merges of the tool models are far shorter). */
    private static final int MAX_TOKEN_BYTES = 32;

    /**
     * What a client asks of a run.
     *
     * @param tools the allowlist; empty for every tool bound here
     * @param recallRecipes whether a recipe of an earlier run may be recalled as a hint
     */
    public record RunRequest(
            String goal,
            List<String> tools,
            int maxSteps,
            long budgetMicros,
            RouteRequest route,
            boolean recallRecipes) {}

    /** A run checked, planned and paid for, not yet started: {@link #run} must follow, or {@link #abandon}. */
    public final class Prepared {
        final String id;
        final OrchestratorService.Call call;
        final RunRequest request;
        final List<ToolRegistry.Offered> tools;
        final RouteRequest route;
        final long worstTool;
        final long deadlineNanos;
        final Reservation reservation;

        Prepared(
                String id,
                OrchestratorService.Call call,
                RunRequest request,
                List<ToolRegistry.Offered> tools,
                RouteRequest route,
                long worstTool,
                Reservation reservation) {
            this.id = id;
            this.call = call;
            this.request = request;
            this.tools = tools;
            this.route = route;
            this.worstTool = worstTool;
            this.deadlineNanos = call.deadlineNanos();
            this.reservation = reservation;
        }

        public String id() {
            return id;
        }
    }

    private final Router router;
    private final OrchestratorService service;
    private final RequestMapper mapper;
    private final Ledger ledger;
    private final Memory memory;
    private final ToolRegistry registry;
    private final MemoryEmbedder embedder;
    private final OrchestratorConfig.Agent limits;
    private final CascadeJudge cascade;
    private final Duration leaseMargin;
    private final MeterRegistry meters;
    /** Stores runs' events behind them; bounded, and the runs' order is kept by chaining each run's writes. */
    private final ExecutorService writer = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "tessera-agent-writer");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public AgentService(
            Router router,
            OrchestratorService service,
            RequestMapper mapper,
            Ledger ledger,
            Memory memory,
            ToolRegistry registry,
            MemoryEmbedder embedder,
            OrchestratorConfig config,
            MeterRegistry meters) {
        this.router = router;
        this.service = service;
        this.mapper = mapper;
        this.ledger = ledger;
        this.memory = memory;
        this.registry = registry;
        this.embedder = embedder;
        this.limits = config.agent();
        this.cascade = new CascadeJudge(limits.cascadeMinMeanLogprob());
        this.leaseMargin = config.ledger().leaseMargin();
        this.meters = meters;
    }

    /**
     * Checks a run, plans its worst step and reserves its worst case. Every refusal comes from here, before anything is
     * called or charged.
     *
     * @param call who calls (the tenant is the key's), with the deadline already resolved
     */
    public Prepared prepare(OrchestratorService.Call call, RunRequest request) {
        String goal = request.goal() == null ? "" : request.goal().strip();
        if (goal.isEmpty()) {
            throw ServiceException.invalidArgument("goal", "is empty; say what the run is to achieve");
        }
        if (goal.length() > limits.maxGoalChars()) {
            throw ServiceException.invalidArgument(
                    "goal", "has " + goal.length() + " characters; the most is " + limits.maxGoalChars());
        }
        if (request.maxSteps() < 1 || request.maxSteps() > limits.maxSteps()) {
            throw ServiceException.invalidArgument(
                    "max_steps", "is " + request.maxSteps() + "; give 1 to " + limits.maxSteps());
        }
        if (request.budgetMicros() <= 0) {
            throw ServiceException.invalidArgument(
                    "budget_micros", "is " + request.budgetMicros() + "; give a positive number of micro-dollars");
        }
        mapper.maxCost(request.budgetMicros(), "budget_micros");
        List<ToolRegistry.Offered> tools = registry.offer(request.tools(), "tools");
        RouteRequest route = route(request.route());

        long worstTool = 0;
        for (ToolRegistry.Offered t : tools) {
            worstTool = Math.max(
                    worstTool, t.binding().map(ToolBinding::worstCaseMicros).orElse(0L));
        }
        RoutePlan worstPlan = router.plan(worstDemand(goal, tools, request.maxSteps()), route, "routing.policy");
        long worstStep = worstPlan.reserveMicros() + worstTool;
        boolean recall = request.recallRecipes() && embedder.unavailable().isEmpty();
        long recallWorst = recall ? embedder.worstCaseMicros(goal.length()) : 0;
        if (request.budgetMicros() < recallWorst + worstStep) {
            throw ServiceException.invalidArgument(
                    "budget_micros",
                    "is " + request.budgetMicros() + " micro-dollars, less than one step can cost in the worst case ("
                            + (recallWorst + worstStep) + ")");
        }
        long worstRun = saturatedAdd(recallWorst, saturatedMultiply(worstStep, request.maxSteps()));
        long reserve = Math.min(request.budgetMicros(), worstRun);

        long deadline = call.deadlineNanos();
        long fallback = System.nanoTime() + limits.defaultDeadline().toNanos();
        if (deadline == Long.MAX_VALUE || deadline > fallback) {
            deadline = fallback;
        }
        OrchestratorService.Call bounded =
                new OrchestratorService.Call(call.caller(), call.requestId(), deadline, call.field());
        long leaseMillis =
                TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + leaseMargin.toMillis();
        String id = UUID.randomUUID().toString();
        Reservation reservation = ledger.reserve(call.caller().payer(), call.requestId(), reserve, leaseMillis);
        RunRequest checked = new RunRequest(
                goal, request.tools(), request.maxSteps(), request.budgetMicros(), route, request.recallRecipes());
        return new Prepared(id, bounded, checked, tools, route, worstTool, reservation);
    }

    @PreDestroy
    void close() throws InterruptedException {
        writer.shutdown();
        writer.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Returns a prepared run's money: its client left before it started. */
    public void abandon(Prepared run) {
        ledger.releaseAsync(run.reservation);
    }

    /**
     * Runs a prepared run to its end, sending each event to {@code out} as it happens (and to episodic memory). Ends
     * of every kind are returned, not thrown; a client that left ends the run as cancelled.
     */
    public AgentEvent.End run(Prepared run, Consumer<AgentEvent> out) {
        return new Loop(run, out).go();
    }

    /** A run of the caller's tenant, with its events; NOT_FOUND for an unknown run or another tenant's. */
    public Memory.StoredRun get(OrchestratorService.Call call, String runId) {
        if (runId == null || runId.isBlank()) {
            throw ServiceException.invalidArgument("run_id", "is empty");
        }
        return memory.run(call.caller().tenant(), runId.strip())
                .orElseThrow(() -> ServiceException.notFound("run_id", "no run '" + clip(runId, 64) + "'"));
    }

    /** An event stored by a run, read back. */
    public static AgentEvent parse(String json) {
        try {
            return JSON.readValue(json, AgentEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored agent event does not parse: " + e.getOriginalMessage(), e);
        }
    }

    private RouteRequest route(RouteRequest asked) {
        Policy policy = asked.policy() == Policy.AUTO ? Policy.CASCADE : asked.policy();
        if (policy == Policy.SEMANTIC || policy == Policy.EXPLICIT) {
            throw ServiceException.invalidArgument(
                    "routing.policy",
                    "an agent's steps are routed by the cascade (the default) or cheapest-capable, not "
                            + policy.configName());
        }
        return new RouteRequest(asked.model(), policy, asked.maxCostMicros(), asked.minQualityTier());
    }

    /**
     * The largest step a run can take: its prompt holds the goal, the tools, a hint, and every earlier step's call
     * and observation at their longest. The model's context bounds it further where the backend reports one.
     */
    private Demand worstDemand(String goal, List<ToolRegistry.Offered> tools, int maxSteps) {
        long bytes = goal.getBytes(StandardCharsets.UTF_8).length;
        for (ToolRegistry.Offered t : tools) {
            bytes += t.spec().name().length()
                    + t.spec().description().length()
                    + t.spec().parametersJsonSchema().length();
        }
        long perStep = (long) limits.stepMaxTokens() * MAX_TOKEN_BYTES
                + 4L * limits.maxObservationChars()
                + 2L * MESSAGE_OVERHEAD_BYTES;
        bytes += (long) maxSteps * perStep + 3L * MESSAGE_OVERHEAD_BYTES;
        return new Demand(
                Contract.TEXTGEN,
                Set.of(Capability.TOOLS),
                bytes,
                2 + 2 * maxSteps,
                limits.stepMaxTokens(),
                List.of(),
                goal,
                0);
    }

    /** One run's state as it goes. */
    private final class Loop {
        private final Prepared run;
        private final Consumer<AgentEvent> out;
        private final List<AgentEvent.StepCharge> charges = new ArrayList<>();
        private final List<Message> messages = new ArrayList<>();
        private final List<String> used = new ArrayList<>();
        private Reservation held;
        private long charged;
        private int seq;
        private int step;
        private boolean clientGone;
        private float[] goalVector;
        private String hint = "";
        /** The events stored so far: each store runs after the one before. */
        private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

        Loop(Prepared run, Consumer<AgentEvent> out) {
            this.run = run;
            this.out = out;
            this.held = run.reservation;
        }

        AgentEvent.End go() {
            String tenant = run.call.caller().tenant();
            AgentEvent.End end;
            try {
                memory.startRun(
                        run.id,
                        tenant,
                        run.call.caller().apiKeyId(),
                        run.request.goal(),
                        run.tools.stream().map(t -> t.spec().name()).toList(),
                        run.request.maxSteps(),
                        run.request.budgetMicros());
                end = steps();
            } catch (RuntimeException e) {
                LOG.errorf(e, "agent run %s failed", run.id);
                end = end(RunState.FAILED, "", "internal error: " + e.getMessage());
            } finally {
                ledger.commitAsync(held, List.of()).whenComplete((r, failure) -> {
                    if (failure != null) {
                        LOG.errorf(
                                "agent run %s: returning the rest of its reservation failed (%s); its lease will",
                                run.id, failure.getMessage());
                    }
                });
            }
            AgentEvent last = new AgentEvent(run.id, seq++, step, now(), null, null, null, null, end);
            try {
                // the transcript is whole and the run ended in memory before the client hears of the end
                written.join();
                memory.append(tenant, run.id, last.seq(), json(last));
                memory.endRun(tenant, run.id, end.state().name());
                if (end.state() == RunState.SUCCEEDED && goalVector != null) {
                    memory.saveRecipe(
                            tenant,
                            run.id,
                            run.request.goal(),
                            used,
                            end.steps(),
                            end.chargedMicros(),
                            embedder.name(),
                            goalVector);
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "agent run %s: recording its end failed", run.id);
            }
            send(last);
            meters.counter("tessera.agent.runs", "state", end.state().name().toLowerCase(Locale.ROOT))
                    .increment();
            return end;
        }

        private AgentEvent.End steps() {
            if (run.request.recallRecipes() && embedder.unavailable().isEmpty()) {
                recall();
            }
            if (!hint.isEmpty()) {
                messages.add(message(Role.ROLE_SYSTEM, hint));
            }
            messages.add(message(Role.ROLE_USER, run.request.goal()));
            Timer stepTimer = Timer.builder("tessera.agent.step")
                    .description("Wall time of one agent step: the model's decision, the tool call and the books")
                    .register(meters);
            while (step < run.request.maxSteps()) {
                Optional<AgentEvent.End> stop = interrupted();
                if (stop.isPresent()) {
                    return stop.get();
                }
                step++;
                long started = System.nanoTime();
                Optional<AgentEvent.End> end = step();
                stepTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                if (end.isPresent()) {
                    return end.get();
                }
            }
            return end(
                    RunState.STOPPED,
                    "",
                    "max_steps: " + step + " step" + (step == 1 ? "" : "s") + " taken without a final answer");
        }

        /** Embeds the goal (kept for the recipe this run may save) and recalls the closest recipe as a hint. */
        private void recall() {
            try {
                MemoryEmbedder.Embedded e = embedder.embed(run.request.goal(), false, run.call);
                goalVector = e.vector();
                pay(List.of(new AgentEvent.StepCharge(
                        0, e.charge().model(), "recall", e.charge().micros())));
                memory.recall(run.call.caller().tenant(), embedder.name(), goalVector, limits.recipeMinSimilarity())
                        .ifPresent(r -> hint = "hint: " + String.join(", ", r.tools()));
            } catch (MemoryEmbedder.EmbedFailure e) {
                LOG.debugf("agent run %s: no recipe recalled, the embedder failed: %s", run.id, e.getMessage());
            }
        }

        /** One step; an end when the run ends with it. */
        private Optional<AgentEvent.End> step() {
            GenerateRequest request = request();
            RoutePlan plan;
            try {
                plan = router.plan(mapper.demand(request, ""), run.route, "routing.policy");
            } catch (ServiceException e) {
                return Optional.of(end(RunState.FAILED, "", "no model can take step " + step + ": " + e.detail()));
            }
            long worst = plan.reserveMicros() + run.worstTool;
            if (worst > held.amountMicros()) {
                return Optional.of(end(
                        RunState.STOPPED,
                        "",
                        "budget: step " + step + " can cost " + worst + " micro-dollars in the worst case, and "
                                + held.amountMicros() + " are left of the run's budget"));
            }
            Routed<GenerateResponse> routed;
            List<AgentEvent.StepCharge> stepCharges = new ArrayList<>();
            try {
                routed = service.generatePaid(run.call, request, plan, cascade);
            } catch (OrchestratorService.ReceiptedFailure f) {
                pay(policyCharges(f.receipt().attempts()));
                return Optional.of(failedStep(f.getCause()));
            } catch (RuntimeException e) {
                return Optional.of(failedStep(e));
            }
            stepCharges.addAll(policyCharges(routed.receipt().attempts()));
            GenerateResponse answer = routed.answer();
            emit(new AgentEvent(
                    run.id,
                    seq,
                    step,
                    now(),
                    new AgentEvent.Thought(
                            answered(routed.receipt().attempts()),
                            answer.getText(),
                            answer.getMeanLogprob(),
                            step == 1 ? hint : ""),
                    null,
                    null,
                    null,
                    null));
            if (answer.getToolCallsCount() == 0) {
                observe("", "", "error: no tool was called; call one of the offered tools, or final_answer", true);
                pay(stepCharges);
                messages.add(message(Role.ROLE_ASSISTANT, answer.getText()));
                return Optional.empty();
            }
            ToolCall call = answer.getToolCalls(0);
            String callId = call.getId().isEmpty() ? "call_" + step : call.getId();
            emit(new AgentEvent(
                    run.id,
                    seq,
                    step,
                    now(),
                    null,
                    new AgentEvent.Action(callId, call.getName(), call.getArgumentsJson()),
                    null,
                    null,
                    null));
            used.add(call.getName());
            messages.add(Message.newBuilder()
                    .setRole(Role.ROLE_ASSISTANT)
                    .addToolCalls(call.toBuilder().setId(callId))
                    .build());
            JsonNode arguments;
            try {
                arguments = JSON.readTree(call.getArgumentsJson());
            } catch (JsonProcessingException e) {
                observe(callId, call.getName(), "error: the arguments are not JSON", true);
                pay(stepCharges);
                return Optional.empty();
            }
            if (call.getName().equals(ToolSpec.FINAL_ANSWER)) {
                pay(stepCharges);
                return Optional.of(
                        end(RunState.SUCCEEDED, arguments.path("text").asText(""), "final answer"));
            }
            Optional<ToolRegistry.Offered> tool = run.tools.stream()
                    .filter(t -> t.spec().name().equals(call.getName()))
                    .findFirst();
            if (tool.isEmpty() || tool.get().binding().isEmpty()) {
                observe(callId, call.getName(), "error: tool '" + call.getName() + "' is not offered", true);
                pay(stepCharges);
                return Optional.empty();
            }
            long toolStart = System.nanoTime();
            ToolBinding.Result result =
                    tool.get().binding().get().call(arguments, new ToolBinding.Context(run.call, run.id, step));
            Timer.builder("tessera.agent.tool")
                    .description("Wall time of one tool call of an agent step, backends included")
                    .tag("tool", call.getName())
                    .register(meters)
                    .record(System.nanoTime() - toolStart, TimeUnit.NANOSECONDS);
            for (Charge c : result.charges()) {
                stepCharges.add(new AgentEvent.StepCharge(step, c.model(), "tool:" + call.getName(), c.micros()));
            }
            observe(callId, call.getName(), result.content(), result.error());
            pay(stepCharges);
            return Optional.empty();
        }

        private GenerateRequest request() {
            GenerateRequest.Builder r = GenerateRequest.newBuilder()
                    .setModel(run.route.model())
                    .addAllMessages(messages)
                    .setToolChoice(ToolChoice.newBuilder().setMode(ToolChoice.Mode.MODE_REQUIRED))
                    .setSampling(Sampling.newBuilder().setTemperature(0))
                    .setMaxTokens(limits.stepMaxTokens());
            for (ToolRegistry.Offered t : run.tools) {
                r.addTools(Tool.newBuilder()
                        .setName(t.spec().name())
                        .setDescription(t.spec().description())
                        .setParametersJsonSchema(t.spec().parametersJsonSchema()));
            }
            return r.build();
        }

        /** Sends an observation to the client and the transcript, and gives it to the model as data. */
        private void observe(String callId, String tool, String content, boolean error) {
            String shown = content;
            if (shown.length() > limits.maxObservationChars()) {
                shown = shown.substring(0, limits.maxObservationChars()) + " ... (cut at "
                        + limits.maxObservationChars() + " characters)";
            }
            emit(new AgentEvent(
                    run.id,
                    seq,
                    step,
                    now(),
                    null,
                    null,
                    new AgentEvent.Observation(callId, tool, shown, error),
                    null,
                    null));
            messages.add(Message.newBuilder()
                    .setRole(Role.ROLE_TOOL)
                    .setContent(shown)
                    .setToolCallId(callId)
                    .build());
        }

        /** Commits a step's charges against the run's reservation, and tells the client. */
        private void pay(List<AgentEvent.StepCharge> stepCharges) {
            if (stepCharges.isEmpty()) {
                return;
            }
            List<Charge> ledgerCharges = new ArrayList<>();
            long total = 0;
            for (AgentEvent.StepCharge c : stepCharges) {
                ledgerCharges.add(new Charge(c.backend(), c.micros()));
                total += c.micros();
            }
            long taken = Math.min(total, held.amountMicros());
            ledger.chargePartAsync(held, ledgerCharges).whenComplete((r, failure) -> {
                if (failure != null) {
                    LOG.errorf(
                            "agent run %s: committing step charges failed (%s); its lease will return the money",
                            run.id, failure.getMessage());
                }
            });
            held = held.less(taken);
            charged += taken;
            charges.addAll(stepCharges);
            emit(new AgentEvent(
                    run.id,
                    seq,
                    step,
                    now(),
                    null,
                    null,
                    null,
                    new AgentEvent.Cost(List.copyOf(stepCharges), charged, run.reservation.amountMicros()),
                    null));
        }

        /** Why the run must not take another step: its client left, or its deadline passed. */
        private Optional<AgentEvent.End> interrupted() {
            if (Context.current().isCancelled() || clientGone) {
                return Optional.of(end(RunState.CANCELLED, "", "cancelled: the client left"));
            }
            if (System.nanoTime() >= run.deadlineNanos) {
                return Optional.of(end(RunState.STOPPED, "", "deadline: the run's deadline passed"));
            }
            return Optional.empty();
        }

        private AgentEvent.End failedStep(Throwable failure) {
            Optional<AgentEvent.End> stop = interrupted();
            if (stop.isPresent()) {
                return stop.get();
            }
            if (failure instanceof StatusRuntimeException sre) {
                Status.Code code = sre.getStatus().getCode();
                if (code == Status.Code.CANCELLED) {
                    return end(RunState.CANCELLED, "", "cancelled: the client left");
                }
                if (code == Status.Code.DEADLINE_EXCEEDED) {
                    return end(RunState.STOPPED, "", "deadline: the run's deadline passed during step " + step);
                }
            }
            return end(RunState.FAILED, "", "step " + step + " failed: " + failure.getMessage());
        }

        /** The step's charges for its model calls: one per model that answered (the cascade may have called two). */
        private List<AgentEvent.StepCharge> policyCharges(List<Attempt> attempts) {
            List<AgentEvent.StepCharge> out = new ArrayList<>();
            for (Attempt a : attempts) {
                if (a.chargedMicros() > 0) {
                    out.add(new AgentEvent.StepCharge(step, a.backend(), "policy", a.chargedMicros()));
                }
            }
            return out;
        }

        private AgentEvent.End end(RunState state, String answer, String reason) {
            return new AgentEvent.End(
                    state, answer, reason, step, List.copyOf(charges), charged, run.reservation.amountMicros());
        }

        /**
         * Stores the event behind the run (in order, on the writer pool, so that a step does not wait for the
         * database) and sends it. A client that reads the transcript with GetRun while the run goes on may find the
         * last few events not yet there; the end is written only after all of them.
         */
        private void emit(AgentEvent event) {
            String tenant = run.call.caller().tenant();
            String json = json(event);
            written = written.thenRunAsync(() -> memory.append(tenant, run.id, event.seq(), json), writer)
                    .exceptionally(failure -> {
                        LOG.errorf("agent run %s: storing event %d failed: %s", run.id, event.seq(), failure);
                        return null;
                    });
            seq++;
            send(event);
        }

        /** Sends an event; a client that has gone gets nothing more, and the run stops at its next check. */
        private void send(AgentEvent event) {
            if (clientGone) {
                return;
            }
            try {
                out.accept(event);
            } catch (RuntimeException e) {
                clientGone = true;
            }
        }
    }

    private static String json(AgentEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String answered(List<Attempt> attempts) {
        for (Attempt a : attempts) {
            if (a.outcome() == Outcome.ANSWERED) {
                return a.backend();
            }
        }
        return "";
    }

    private static Message message(Role role, String content) {
        return Message.newBuilder().setRole(role).setContent(content).build();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }
}
