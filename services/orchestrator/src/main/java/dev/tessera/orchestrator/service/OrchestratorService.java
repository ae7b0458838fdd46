package dev.tessera.orchestrator.service;

import dev.tessera.common.grpc.v1.RequestMetadata;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.orchestrator.accounts.Caller;
import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendFailures;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.backend.StreamCutException;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.ledger.Charge;
import dev.tessera.orchestrator.ledger.Ledger;
import dev.tessera.orchestrator.ledger.Reservation;
import dev.tessera.orchestrator.pricing.WorstCase;
import dev.tessera.orchestrator.routing.Candidate;
import dev.tessera.orchestrator.routing.CascadeJudge;
import dev.tessera.orchestrator.routing.Demand;
import dev.tessera.orchestrator.routing.Policy;
import dev.tessera.orchestrator.routing.RoutePlan;
import dev.tessera.orchestrator.routing.RouteRequest;
import dev.tessera.orchestrator.routing.Router;
import dev.tessera.orchestrator.routing.SemanticRoutes;
import dev.tessera.orchestrator.routing.Skipped;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.platform.usage.Usage;
import dev.tessera.platform.usage.UsageMapper;
import dev.tessera.textgen.grpc.v1.FinishReason;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Serves one routed request end to end: plan, reserve the worst case (refused here, before any backend is called,
 * when a budget cannot cover it), call the candidates in order (falling back on a backend's failure, escalating when
 * the cascade does not accept the cheap answer), commit what the answers cost, release the rest, and write the
 * receipt. Every path that leaves, failures and cancellations included, closes the reservation.
 */
@Singleton
public class OrchestratorService {

    private static final Logger LOG = Logger.getLogger(OrchestratorService.class);

    private final Router router;
    private final SemanticRoutes semantic;
    private final Ledger ledger;
    private final CascadeJudge judge;
    private final Duration leaseMargin;
    private final MeterRegistry meters;
    private final Counter budgetRejections;
    private final Counter ledgerFailures;

    @Inject
    public OrchestratorService(
            Router router, SemanticRoutes semantic, Ledger ledger, OrchestratorConfig config, MeterRegistry meters) {
        this.router = router;
        this.semantic = semantic;
        this.ledger = ledger;
        this.judge = new CascadeJudge(config.routing().cascade().minMeanLogprob());
        this.leaseMargin = config.ledger().leaseMargin();
        this.meters = meters;
        this.budgetRejections = Counter.builder("tessera.orchestrator.budget.rejections")
                .description("Requests refused because a budget could not cover their worst case")
                .register(meters);
        this.ledgerFailures = Counter.builder("tessera.orchestrator.ledger.failures")
                .description("Commits and releases the ledger could not write; their leases return the money")
                .register(meters);
    }

    /**
     * Who is calling and by when.
     *
     * @param caller the tenant and key charged
     * @param requestId the request's id, from its metadata or made up
     * @param deadlineNanos the request's deadline ({@link System#nanoTime()}), {@link Long#MAX_VALUE} for none
     * @param field where the request's model sits, for errors
     */
    public record Call(Caller caller, String requestId, long deadlineNanos, String field) {}

    public Routed<GenerateResponse> generate(Call call, GenerateRequest request, Demand demand, RouteRequest route) {
        if (router.resolve(demand, route, call.field()) == Policy.SEMANTIC) {
            return semantic(call, request, demand, route);
        }
        RoutePlan plan = router.plan(demand, route, call.field());
        Reservation reservation = reserve(call, plan.reserveMicros(), longest(plan));
        Run run = new Run(judge);
        try {
            run.generate(call, request, withMetadata(request, call), plan);
        } finally {
            close(reservation, run.charges);
        }
        return run.answer(call, plan, reservation);
    }

    /**
     * One generation paid from money the caller already holds (an agent run's reservation): the plan's candidates are
     * called as {@link #generate} calls them, with fallback and the cascade, but nothing is reserved or committed here;
     * the charges come back in the receipt's attempts for the caller to commit. A failure carries its receipt too. The
     * cascade is judged by {@code cascadeJudge}, because an agent step is calibrated apart from a single request.
     */
    public Routed<GenerateResponse> generatePaid(
            Call call, GenerateRequest request, RoutePlan plan, CascadeJudge cascadeJudge) {
        Run run = new Run(cascadeJudge);
        run.generate(call, request, withMetadata(request, call), plan);
        Reservation unheld =
                new Reservation("", call.requestId(), call.caller().payer(), plan.reserveMicros(), 0, List.of());
        return run.answer(call, plan, unheld);
    }

    /**
     * Semantic routing: reserve the embedding plus the dearest route's worst case, embed the request's text, take the
     * closest route that can serve it (or the default), and run that route's plan. The embedding is charged too.
     */
    private Routed<GenerateResponse> semantic(Call call, GenerateRequest request, Demand demand, RouteRequest route) {
        if (!semantic.configured()) {
            throw ServiceException.failedPrecondition(
                    "routing.policy", "semantic routing has no routes configured on this orchestrator");
        }
        Map<String, RoutePlan> plans = new LinkedHashMap<>();
        List<String> unfit = new ArrayList<>();
        for (SemanticRoutes.Route r : semantic.routes()) {
            try {
                plans.put(r.name(), router.planRoute(demand, route, r));
            } catch (ServiceException e) {
                unfit.add(r.name() + ": " + e.detail());
            }
        }
        if (plans.isEmpty()) {
            throw ServiceException.failedPrecondition(
                    "routing.policy", "no semantic route can serve this request (" + String.join("; ", unfit) + ")");
        }
        Backend embedder = semantic.embedder();
        Demand embedDemand = new Demand(
                Contract.EMBEDDING,
                Set.of(Capability.EMBED),
                demand.text().length(),
                0,
                0,
                List.of(demand.text().getBytes(StandardCharsets.UTF_8).length),
                "",
                0);
        long embedWorst = WorstCase.micros(embedDemand, embedder);
        long dearest = 0;
        Duration longest = embedder.spec().longestCall();
        Duration slowestRoute = Duration.ZERO;
        for (RoutePlan p : plans.values()) {
            dearest = Math.max(dearest, p.reserveMicros());
            Duration d = longest(p);
            slowestRoute = d.compareTo(slowestRoute) > 0 ? d : slowestRoute;
        }
        Reservation reservation = reserve(call, embedWorst + dearest, longest.plus(slowestRoute));
        Run run = new Run(judge);
        RoutePlan chosen;
        String routeName;
        double similarity = 0;
        try {
            SemanticRoutes.Route picked = null;
            if (!demand.text().isBlank()) {
                long start = System.nanoTime();
                EmbedResponse embedded;
                Candidate step = new Candidate(embedder, embedWorst, "semantic: embeds the request to choose a route");
                try {
                    embedded = embedder.embed(SemanticRoutes.embedding(List.of(demand.text())), call.deadlineNanos());
                } catch (Exception e) {
                    run.attempts.add(failed(step, e, start));
                    throw failure(e, run.attempts);
                }
                Usage usage = UsageMapper.fromProto(embedded.getUsage());
                long cost = embedder.prices().cost(usage);
                run.charges.add(new Charge(embedder.name(), cost));
                run.attempts.add(attempt(step, Outcome.ANSWERED, step.reason(), cost, usage, start));
                float[] query = SemanticRoutes.toArray(embedded.getEmbeddings(0).getValuesList());
                for (SemanticRoutes.Match m : semantic.rank(query, call.deadlineNanos())) {
                    if (m.similarity() >= semantic.threshold()
                            && plans.containsKey(m.route().name())) {
                        picked = m.route();
                        similarity = m.similarity();
                        break;
                    }
                }
            }
            if (picked == null) {
                picked = semantic.defaultRoute()
                        .filter(r -> plans.containsKey(r.name()))
                        .orElseThrow(() -> ServiceException.failedPrecondition(
                                "routing.policy",
                                "no semantic route is similar enough (threshold " + semantic.threshold()
                                        + ") and there is no default route that can serve the request"));
            }
            routeName = picked.name();
            chosen = plans.get(routeName);
            run.generate(call, request, withMetadata(request, call), chosen);
        } finally {
            close(reservation, run.charges);
        }
        RoutePlan labelled = new RoutePlan(
                chosen.policy(), chosen.candidates(), chosen.skipped(), chosen.reserveMicros(), routeName, similarity);
        return run.answer(call, labelled, reservation, Policy.SEMANTIC);
    }

    /** What one routed generation did: the attempts made and their charges, the answer kept, the last failure. */
    private final class Run {
        final CascadeJudge cascadeJudge;
        final List<Attempt> attempts = new ArrayList<>();
        final List<Charge> charges = new ArrayList<>();
        GenerateResponse kept;
        Throwable last;

        Run(CascadeJudge cascadeJudge) {
            this.cascadeJudge = cascadeJudge;
        }

        void generate(Call call, GenerateRequest request, GenerateRequest forwarded, RoutePlan plan) {
            int keptAt = -1;
            for (Candidate c : plan.candidates()) {
                Backend b = c.backend();
                long start = System.nanoTime();
                GenerateResponse answer;
                try {
                    answer = b.generate(forwarded, call.deadlineNanos());
                } catch (Exception e) {
                    last = e;
                    attempts.add(failed(c, e, start));
                    if (!BackendFailures.fallsBack(e) || expired(call)) {
                        break;
                    }
                    continue;
                }
                Usage usage = UsageMapper.fromProto(answer.getUsage());
                long cost = b.prices().cost(usage);
                charges.add(new Charge(b.name(), cost));
                boolean last = c == plan.candidates().get(plan.candidates().size() - 1);
                if (plan.cascade() && !last) {
                    var why = cascadeJudge.reject(request, answer);
                    if (why.isPresent()) {
                        attempts.add(attempt(c, Outcome.ESCALATED, "not accepted: " + why.get(), cost, usage, start));
                        kept = answer;
                        keptAt = attempts.size() - 1;
                        continue;
                    }
                    attempts.add(attempt(c, Outcome.ANSWERED, accepted(cascadeJudge), cost, usage, start));
                } else {
                    attempts.add(attempt(c, Outcome.ANSWERED, c.reason(), cost, usage, start));
                }
                kept = answer;
                keptAt = -1;
                break;
            }
            if (kept != null && keptAt >= 0) {
                // the cascade escalated and the strong model failed: the cheap answer is better than none
                Attempt a = attempts.get(keptAt);
                attempts.set(
                        keptAt,
                        new Attempt(
                                a.backend(),
                                a.model(),
                                Outcome.ANSWERED,
                                a.reason() + "; kept, the escalation failed",
                                a.chargedMicros(),
                                a.usage(),
                                a.latencyNanos()));
            }
        }

        Routed<GenerateResponse> answer(Call call, RoutePlan plan, Reservation reservation) {
            return answer(call, plan, reservation, plan.policy());
        }

        Routed<GenerateResponse> answer(Call call, RoutePlan plan, Reservation reservation, Policy policy) {
            Receipt receipt = receipt(call, policy, plan, reservation, attempts, charges);
            record(policy, attempts);
            if (kept == null) {
                throw new ReceiptedFailure(failure(last, attempts), receipt);
            }
            return new Routed<>(kept, receipt);
        }
    }

    public Routed<EmbedResponse> embed(Call call, EmbedRequest request, Demand demand, RouteRequest route) {
        RoutePlan plan = router.plan(demand, route, call.field());
        Reservation reservation = reserve(call, plan.reserveMicros(), longest(plan));
        List<Attempt> attempts = new ArrayList<>();
        List<Charge> charges = new ArrayList<>();
        EmbedRequest forwarded = request.toBuilder()
                .setMetadata(metadata(request.getMetadata(), call))
                .build();
        EmbedResponse answer = null;
        Throwable last = null;
        try {
            for (Candidate c : plan.candidates()) {
                long start = System.nanoTime();
                try {
                    answer = c.backend().embed(forwarded, call.deadlineNanos());
                } catch (Exception e) {
                    last = e;
                    attempts.add(failed(c, e, start));
                    if (!BackendFailures.fallsBack(e) || expired(call)) {
                        break;
                    }
                    continue;
                }
                Usage usage = UsageMapper.fromProto(answer.getUsage());
                long cost = c.backend().prices().cost(usage);
                charges.add(new Charge(c.backend().name(), cost));
                attempts.add(attempt(c, Outcome.ANSWERED, c.reason(), cost, usage, start));
                break;
            }
        } finally {
            close(reservation, charges);
        }
        Receipt receipt = receipt(call, plan.policy(), plan, reservation, attempts, charges);
        record(plan.policy(), attempts);
        if (answer == null) {
            throw new ReceiptedFailure(failure(last, attempts), receipt);
        }
        return new Routed<>(answer, receipt);
    }

    /**
     * Streams a generation: every message but the last goes to {@code out} as it comes; the last, which carries the
     * usage, is returned with the receipt once the charge is committed. A backend that fails before sending
     * anything is replaced by the next candidate; one that fails (or whose client cancels) midway ends the stream,
     * charged for the input and the deltas sent.
     */
    public Routed<GenerateStreamResponse> generateStream(
            Call call,
            GenerateRequest request,
            Demand demand,
            RouteRequest route,
            Consumer<GenerateStreamResponse> out) {
        return openStream(call, request, demand, route).run(out);
    }

    /**
     * The first half of a stream: plan and reserve, so that a refusal (a bad request, an exhausted budget) is known
     * before a transport commits to a streamed answer (an HTTP status cannot change once an event is sent).
     */
    public OpenStream openStream(Call call, GenerateRequest request, Demand demand, RouteRequest route) {
        RoutePlan plan = router.plan(demand, route, call.field());
        if (plan.cascade()) {
            throw ServiceException.invalidArgument(
                    "routing.policy",
                    "the cascade must judge an answer whole before sending any of it, so it does not stream;"
                            + " use Generate, or another policy");
        }
        return new OpenStream(
                call, withMetadata(request, call), demand, plan, reserve(call, plan.reserveMicros(), longest(plan)));
    }

    /** A stream planned and paid for, not yet started; {@link #run} (or {@link #abandon}) must follow. */
    public final class OpenStream {
        private final Call call;
        private final GenerateRequest forwarded;
        private final Demand demand;
        private final RoutePlan plan;
        private final Reservation reservation;

        private OpenStream(Call call, GenerateRequest forwarded, Demand demand, RoutePlan plan, Reservation r) {
            this.call = call;
            this.forwarded = forwarded;
            this.demand = demand;
            this.plan = plan;
            this.reservation = r;
        }

        private volatile String current;

        /** The backend streaming now (the first candidate until one is called), for each message's model field. */
        public String currentModel() {
            return current == null ? plan.candidates().get(0).backend().name() : current;
        }

        /** Returns the reservation: the stream will not run (its client left first). */
        public void abandon() {
            close(reservation, List.of());
        }

        public Routed<GenerateStreamResponse> run(Consumer<GenerateStreamResponse> out) {
            List<Attempt> attempts = new ArrayList<>();
            List<Charge> charges = new ArrayList<>();
            GenerateStreamResponse[] lastMessage = new GenerateStreamResponse[1];
            Throwable last = null;
            RuntimeException cut = null;
            try {
                for (Candidate c : plan.candidates()) {
                    long start = System.nanoTime();
                    current = c.backend().name();
                    try {
                        c.backend().generateStream(forwarded, call.deadlineNanos(), m -> {
                            if (m.getFinishReason() != FinishReason.FINISH_REASON_UNSPECIFIED) {
                                lastMessage[0] = m;
                            } else {
                                out.accept(m);
                            }
                        });
                    } catch (StreamCutException e) {
                        Usage partial = partialUsage(demand, c.backend(), e.forwarded());
                        long cost = c.backend().prices().cost(partial);
                        charges.add(new Charge(c.backend().name(), cost));
                        attempts.add(attempt(
                                c,
                                Outcome.FAILED,
                                "cut after " + e.forwarded() + " messages: " + status(e),
                                cost,
                                partial,
                                start));
                        cut = e.status();
                        break;
                    } catch (Exception e) {
                        last = e;
                        attempts.add(failed(c, e, start));
                        if (!BackendFailures.fallsBack(e) || expired(call)) {
                            break;
                        }
                        continue;
                    }
                    if (lastMessage[0] == null) {
                        last = Status.INTERNAL
                                .withDescription(
                                        "backend " + c.backend().name() + " ended its stream without a last message")
                                .asRuntimeException();
                        attempts.add(failed(c, last, start));
                        break;
                    }
                    Usage usage = UsageMapper.fromProto(lastMessage[0].getUsage());
                    long cost = c.backend().prices().cost(usage);
                    charges.add(new Charge(c.backend().name(), cost));
                    attempts.add(attempt(c, Outcome.ANSWERED, c.reason(), cost, usage, start));
                    break;
                }
            } finally {
                close(reservation, charges);
            }
            Receipt receipt = receipt(call, plan.policy(), plan, reservation, attempts, charges);
            record(plan.policy(), attempts);
            if (cut != null) {
                throw new ReceiptedFailure(cut, receipt);
            }
            if (lastMessage[0] == null
                    || attempts.isEmpty()
                    || attempts.get(attempts.size() - 1).outcome() != Outcome.ANSWERED) {
                throw new ReceiptedFailure(failure(last, attempts), receipt);
            }
            return new Routed<>(lastMessage[0], receipt);
        }
    }

    /**
     * A failure that still owes the client its receipt: what was tried and why each attempt failed, and the charge (a
     * cut stream was charged for what it sent; an answer the cascade kept while its escalation failed, for itself).
     */
    public static final class ReceiptedFailure extends RuntimeException {
        private final transient Receipt receipt;

        ReceiptedFailure(RuntimeException cause, Receipt receipt) {
            super(cause.getMessage(), cause);
            this.receipt = receipt;
        }

        public Receipt receipt() {
            return receipt;
        }
    }

    // ---- money ----

    /** The longest a plan's calls can take: the slowest candidate, or for the cascade both steps. */
    private static Duration longest(RoutePlan plan) {
        Duration longest = Duration.ZERO;
        for (Candidate c : plan.candidates()) {
            Duration d = c.backend().spec().longestCall();
            longest = plan.cascade() ? longest.plus(d) : (d.compareTo(longest) > 0 ? d : longest);
        }
        return longest;
    }

    /** Holds {@code micros} with a lease that outlasts the request: its calls, or its deadline if sooner. */
    private Reservation reserve(Call call, long micros, Duration longest) {
        Duration lease = longest;
        if (call.deadlineNanos() != Long.MAX_VALUE) {
            Duration left = Duration.ofNanos(Math.max(0, call.deadlineNanos() - System.nanoTime()));
            if (left.compareTo(lease) < 0) {
                lease = left;
            }
        }
        try {
            return ledger.reserve(
                    call.caller().payer(),
                    call.requestId(),
                    micros,
                    lease.plus(leaseMargin).toMillis());
        } catch (ServiceException e) {
            if (e.kind() == ServiceException.Kind.RESOURCE_EXHAUSTED) {
                budgetRejections.increment();
            }
            throw e;
        }
    }

    /**
     * Closes a reservation without making the answer wait for it: the reservation holds the money until the commit
     * lands, so nothing can be overspent meanwhile. A commit that fails is logged and counted; its reservation's lease
     * then returns the money.
     */
    private void close(Reservation reservation, List<Charge> charges) {
        var done = charges.isEmpty() ? ledger.releaseAsync(reservation) : ledger.commitAsync(reservation, charges);
        done.whenComplete((r, failure) -> {
            if (failure != null) {
                ledgerFailures.increment();
                LOG.errorf(
                        "request %s: closing its reservation %s failed (%s); its lease will return the money",
                        reservation.requestId(), reservation.id(), failure.getMessage());
            }
        });
    }

    /** A stream cut midway: the whole prompt was read, and each message sent carried at least one token. */
    private static Usage partialUsage(Demand demand, Backend backend, int messages) {
        Usage bound = WorstCase.usage(demand, backend);
        return new Usage(bound.inputTokens(), messages, 0, 0, 0, 0);
    }

    // ---- receipts and metrics ----

    private static Attempt attempt(Candidate c, Outcome outcome, String reason, long cost, Usage usage, long start) {
        return new Attempt(
                c.backend().name(), c.backend().model(), outcome, reason, cost, usage, System.nanoTime() - start);
    }

    private static Attempt failed(Candidate c, Throwable e, long start) {
        return attempt(c, Outcome.FAILED, BackendFailures.describe(e), 0, Attempt.NONE, start);
    }

    private static String accepted(CascadeJudge judge) {
        return "cascade: accepted (tool call valid, mean logprob at or above " + judge.threshold() + ")";
    }

    private static Receipt receipt(
            Call call,
            Policy policy,
            RoutePlan plan,
            Reservation reservation,
            List<Attempt> attempts,
            List<Charge> charges) {
        List<Attempt> all = new ArrayList<>(attempts);
        for (Skipped s : plan.skipped()) {
            all.add(new Attempt(s.backend(), s.model(), Outcome.SKIPPED, s.reason(), 0, Attempt.NONE, 0));
        }
        long charged = 0;
        for (Charge c : charges) {
            charged += c.micros();
        }
        return new Receipt(
                call.requestId(),
                call.caller().tenant(),
                policy,
                plan.route(),
                plan.routeSimilarity(),
                List.copyOf(all),
                reservation.amountMicros(),
                Math.min(charged, reservation.amountMicros()));
    }

    private void record(Policy routedBy, List<Attempt> attempts) {
        String policy = routedBy.configName();
        for (Attempt a : attempts) {
            String outcome = a.outcome().name().toLowerCase(java.util.Locale.ROOT);
            meters.counter(
                            "tessera.orchestrator.decisions",
                            "policy",
                            policy,
                            "backend",
                            a.backend(),
                            "outcome",
                            outcome)
                    .increment();
            if (a.chargedMicros() > 0) {
                meters.counter("tessera.orchestrator.cost.micros", "policy", policy, "backend", a.backend())
                        .increment(a.chargedMicros());
            }
            if (a.outcome() == Outcome.FAILED) {
                meters.counter("tessera.orchestrator.fallbacks", "backend", a.backend())
                        .increment();
            }
            Timer.builder("tessera.orchestrator.backend.latency")
                    .description("Time a backend took to answer, as seen by the orchestrator")
                    .tag("backend", a.backend())
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(a.latencyNanos(), TimeUnit.NANOSECONDS);
        }
    }

    // ---- failures ----

    private static boolean expired(Call call) {
        return call.deadlineNanos() != Long.MAX_VALUE && System.nanoTime() >= call.deadlineNanos();
    }

    /**
     * What the client is told when no candidate answered: a client's mistake as the backend put it; a deadline as a
     * deadline; every candidate full (its bulkhead, or the backend's own queue) as RESOURCE_EXHAUSTED, to be retried
     * later; otherwise UNAVAILABLE with every attempt's reason.
     */
    private static RuntimeException failure(Throwable last, List<Attempt> attempts) {
        if (last instanceof StatusRuntimeException sre && !BackendFailures.fallsBack(sre)) {
            return sre;
        }
        if (last instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return sre;
        }
        StringBuilder why = new StringBuilder("no backend could serve the request:");
        boolean allFull = !attempts.isEmpty();
        for (Attempt a : attempts) {
            why.append(' ').append(a.backend()).append(" (").append(a.reason()).append(')');
            allFull &= a.outcome() == Outcome.FAILED && BackendFailures.isFull(a.reason());
        }
        return allFull
                ? ServiceException.resourceExhausted(why.toString())
                : ServiceException.unavailable(why.toString());
    }

    private static String status(StreamCutException e) {
        Status s = e.status().getStatus();
        return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }

    // ---- forwarding ----

    private static GenerateRequest withMetadata(GenerateRequest request, Call call) {
        return request.toBuilder()
                .setMetadata(metadata(request.getMetadata(), call))
                .build();
    }

    /** The caller's metadata, with who pays, the request's id and its absolute deadline, for the next hop. */
    private static RequestMetadata metadata(RequestMetadata given, Call call) {
        RequestMetadata.Builder m =
                given.toBuilder().setTenant(call.caller().tenant()).setRequestId(call.requestId());
        if (call.deadlineNanos() != Long.MAX_VALUE) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(call.deadlineNanos() - System.nanoTime());
            m.setDeadlineUnixMs(System.currentTimeMillis() + Math.max(1, leftMillis));
        }
        return m.build();
    }
}
