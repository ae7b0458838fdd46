package dev.tessera.orchestrator.routing;

import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendHealth;
import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.pricing.WorstCase;
import dev.tessera.platform.error.ServiceException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Decides which backends serve a request, in which order, and what to reserve. It reads health, prices and recent
 * latency; it calls nothing (the semantic policy's embedding is done by the caller, which hands over the route).
 */
@Singleton
public class Router {

    /** Candidates after the first that a request may fall back to. */
    static final int MAX_FALLBACKS = 2;

    private final BackendRegistry backends;
    private final Policy defaultGeneratePolicy;
    private final String cascadeCheap;
    private final String cascadeStrong;

    @Inject
    public Router(BackendRegistry backends, OrchestratorConfig config) {
        this(
                backends,
                Policy.parse(config.routing().defaultGeneratePolicy())
                        .filter(p -> p != Policy.AUTO && p != Policy.EXPLICIT)
                        .orElseThrow(() ->
                                new IllegalStateException("tessera.orchestrator.routing.default-generate-policy: '"
                                        + config.routing().defaultGeneratePolicy()
                                        + "' is not one of cheapest-capable, cascade, semantic")),
                config.routing().cascade().cheap(),
                config.routing().cascade().strong());
    }

    Router(BackendRegistry backends, Policy defaultGeneratePolicy, String cascadeCheap, String cascadeStrong) {
        this.backends = backends;
        this.defaultGeneratePolicy = defaultGeneratePolicy;
        this.cascadeCheap = cascadeCheap;
        this.cascadeStrong = cascadeStrong;
    }

    /**
     * The plan for a request.
     *
     * @param field where the model name sits in the request, for errors ({@code model}, {@code request.model})
     * @throws ServiceException {@code NOT_FOUND} for an unknown model; {@code INVALID_ARGUMENT} for a policy that does
     *     not apply; {@code FAILED_PRECONDITION} when the maximum cost or the quality tier rules out every backend;
     *     {@code UNAVAILABLE} when no capable backend is healthy
     */
    public RoutePlan plan(Demand demand, RouteRequest request, String field) {
        Policy policy = resolve(demand, request, field);
        return switch (policy) {
            case EXPLICIT -> explicit(demand, request, field);
            case CASCADE -> cascade(demand, request);
            case CHEAPEST_CAPABLE -> cheapest(demand, request, policy);
            case SEMANTIC ->
                throw ServiceException.failedPrecondition(
                        "routing.policy", "semantic routing has no routes configured on this orchestrator");
            case AUTO -> throw new IllegalStateException("resolved above");
        };
    }

    /**
     * The plan for a request that semantic routing sends to {@code route}: to its backend, or by its policy.
     *
     * @throws ServiceException when the route cannot serve this request (it lacks a capability, say)
     */
    public RoutePlan planRoute(Demand demand, RouteRequest request, SemanticRoutes.Route route) {
        if (route.target().isPresent()) {
            Backend b = named(route.target().get(), demand.contract(), "routing.semantic");
            if (!b.capabilities().containsAll(demand.needs())) {
                throw ServiceException.failedPrecondition(
                        "routing.semantic",
                        "route '" + route.name() + "' goes to " + b.name() + ", which lacks " + missing(b, demand));
            }
            return explicit(
                    demand,
                    new RouteRequest(
                            route.target().get(), Policy.EXPLICIT, request.maxCostMicros(), request.minQualityTier()),
                    "routing.semantic.routes." + route.name() + ".target");
        }
        return route.policy() == Policy.CASCADE
                ? cascade(demand, request)
                : cheapest(demand, request, Policy.CHEAPEST_CAPABLE);
    }

    /** The policy a request runs under. */
    public Policy resolve(Demand demand, RouteRequest request, String field) {
        Policy policy = request.policy();
        if (policy == Policy.AUTO) {
            if (!request.routed()) {
                return Policy.EXPLICIT;
            }
            policy = demand.contract() == Contract.TEXTGEN ? defaultGeneratePolicy : Policy.CHEAPEST_CAPABLE;
        }
        if (policy == Policy.EXPLICIT && request.routed()) {
            throw ServiceException.invalidArgument(
                    field, "the explicit policy needs a model name; leave the policy unset, or name a model");
        }
        if (demand.contract() == Contract.EMBEDDING && (policy == Policy.CASCADE || policy == Policy.SEMANTIC)) {
            throw ServiceException.invalidArgument(
                    "routing.policy", "the " + policy.configName() + " policy does not apply to embeddings");
        }
        return policy;
    }

    private RoutePlan explicit(Demand demand, RouteRequest request, String field) {
        Backend backend = named(request.model(), demand.contract(), field);
        if (!dimensionsFit(demand, backend)) {
            throw ServiceException.invalidArgument(
                    "dimensions",
                    "model '" + backend.name() + "' makes " + backend.facts().dimension() + "-dimensional vectors, not "
                            + demand.dimensions() + ", and does not shorten them");
        }
        long worst = WorstCase.micros(demand, backend);
        if (request.maxCostMicros().isPresent()
                && worst > request.maxCostMicros().getAsLong()) {
            throw ServiceException.failedPrecondition(
                    "routing.max_cost_micros",
                    "model '" + backend.name() + "' may cost up to " + worst + " micro-dollars for this request,"
                            + " more than the " + request.maxCostMicros().getAsLong() + " allowed");
        }
        if (backend.spec().qualityTier() < request.minQualityTier()) {
            throw ServiceException.failedPrecondition(
                    "routing.min_quality_tier",
                    "model '" + backend.name() + "' has quality tier "
                            + backend.spec().qualityTier() + ", below the " + request.minQualityTier() + " asked for");
        }
        BackendHealth health = backend.health();
        if (!health.healthy()) {
            throw ServiceException.unavailable("model '" + backend.name() + "' is not available: " + health.reason());
        }
        return new RoutePlan(
                Policy.EXPLICIT,
                List.of(new Candidate(backend, worst, "named by the request")),
                List.of(),
                worst,
                "",
                0);
    }

    private RoutePlan cheapest(Demand demand, RouteRequest request, Policy policy) {
        List<Skipped> skipped = new ArrayList<>();
        List<Candidate> capable = new ArrayList<>();
        List<Candidate> slow = new ArrayList<>();
        boolean anyCapable = false;
        for (Backend b : backends.all()) {
            if (b.spec().contract() != demand.contract()) {
                continue;
            }
            if (!b.capabilities().containsAll(demand.needs())) {
                skipped.add(skip(b, "lacks " + missing(b, demand)));
                continue;
            }
            if (!dimensionsFit(demand, b)) {
                skipped.add(
                        skip(b, "makes " + b.facts().dimension() + "-dimensional vectors, not " + demand.dimensions()));
                continue;
            }
            anyCapable = true;
            if (b.spec().qualityTier() < request.minQualityTier()) {
                skipped.add(skip(b, "quality tier " + b.spec().qualityTier() + " below " + request.minQualityTier()));
                continue;
            }
            long worst = WorstCase.micros(demand, b);
            if (request.maxCostMicros().isPresent()
                    && worst > request.maxCostMicros().getAsLong()) {
                skipped.add(skip(
                        b,
                        "worst case " + worst + " micro-dollars over the maximum "
                                + request.maxCostMicros().getAsLong()));
                continue;
            }
            BackendHealth health = b.health();
            if (!health.healthy()) {
                skipped.add(skip(b, health.reason()));
                continue;
            }
            long p95 = b.recentP95Millis();
            long rank = WorstCase.picos(demand, b);
            if (p95 > b.spec().latencySlo().toMillis()) {
                slow.add(new Candidate(
                        b,
                        worst,
                        "over its latency SLO (p95 " + p95 + " ms > "
                                + b.spec().latencySlo().toMillis() + " ms): last resort",
                        rank));
                continue;
            }
            capable.add(new Candidate(b, worst, "", rank));
        }
        if (!anyCapable) {
            throw ServiceException.failedPrecondition(
                    demand.dimensions() > 0 ? "dimensions" : "model",
                    "no backend can " + describe(demand) + " (" + reasons(skipped) + ")");
        }
        Comparator<Candidate> order = Comparator.comparingLong(Candidate::rankPicos)
                .thenComparing(c -> -c.backend().spec().qualityTier())
                .thenComparing(c -> c.backend().name());
        capable.sort(order);
        slow.sort(order);
        List<Candidate> ordered = new ArrayList<>();
        for (int i = 0; i < capable.size(); i++) {
            Candidate c = capable.get(i);
            String why = i == 0
                    ? "cheapest capable: " + c.worstCaseMicros() + " micro-dollars worst case"
                    : "fallback " + i + ": " + c.worstCaseMicros() + " micro-dollars worst case";
            ordered.add(new Candidate(c.backend(), c.worstCaseMicros(), why, c.rankPicos()));
        }
        ordered.addAll(slow);
        if (ordered.isEmpty()) {
            if (request.maxCostMicros().isPresent() || request.minQualityTier() > 0) {
                boolean allUnhealthy = skipped.stream()
                        .noneMatch(s -> s.reason().startsWith("worst case")
                                || s.reason().startsWith("quality"));
                if (!allUnhealthy) {
                    throw ServiceException.failedPrecondition(
                            "routing", "no capable backend meets the request's limits (" + reasons(skipped) + ")");
                }
            }
            throw ServiceException.unavailable(
                    "no backend that can " + describe(demand) + " is available (" + reasons(skipped) + ")");
        }
        List<Candidate> tried = ordered.subList(0, Math.min(ordered.size(), MAX_FALLBACKS + 1));
        for (Candidate c : ordered.subList(tried.size(), ordered.size())) {
            skipped.add(skip(c.backend(), "beyond the " + MAX_FALLBACKS + " fallbacks a request may take"));
        }
        long reserve =
                tried.stream().mapToLong(Candidate::worstCaseMicros).max().orElse(0);
        return new RoutePlan(policy, List.copyOf(tried), List.copyOf(skipped), reserve, "", 0);
    }

    private RoutePlan cascade(Demand demand, RouteRequest request) {
        Backend cheap = named(cascadeCheap, Contract.TEXTGEN, "tessera.orchestrator.routing.cascade.cheap");
        Backend strong = named(cascadeStrong, Contract.TEXTGEN, "tessera.orchestrator.routing.cascade.strong");
        List<Skipped> skipped = new ArrayList<>();
        List<Candidate> steps = new ArrayList<>();
        for (Backend b : List.of(cheap, strong)) {
            boolean first = b == cheap;
            if (!b.capabilities().containsAll(demand.needs())) {
                skipped.add(skip(b, "lacks " + missing(b, demand)));
            } else if (b.spec().qualityTier() < request.minQualityTier()) {
                skipped.add(skip(b, "quality tier " + b.spec().qualityTier() + " below " + request.minQualityTier()));
            } else if (!b.health().healthy()) {
                skipped.add(skip(b, b.health().reason()));
            } else {
                steps.add(new Candidate(
                        b,
                        WorstCase.micros(demand, b),
                        first ? "cascade: the cheap model first" : "cascade: the strong model"));
            }
        }
        if (steps.isEmpty()) {
            throw ServiceException.unavailable("neither step of the cascade can serve (" + reasons(skipped) + ")");
        }
        long reserve = steps.stream().mapToLong(Candidate::worstCaseMicros).sum();
        if (request.maxCostMicros().isPresent()
                && reserve > request.maxCostMicros().getAsLong()) {
            throw ServiceException.failedPrecondition(
                    "routing.max_cost_micros",
                    "the cascade may cost up to " + reserve + " micro-dollars for this request (both steps), more than"
                            + " the " + request.maxCostMicros().getAsLong() + " allowed");
        }
        return new RoutePlan(Policy.CASCADE, List.copyOf(steps), List.copyOf(skipped), reserve, "", 0);
    }

    private Backend named(String name, Contract contract, String field) {
        Backend backend = backends.find(name)
                .orElseThrow(() -> ServiceException.notFound(
                        field, "no model '" + name + "'; ListModels (or GET /v1/models) lists them"));
        if (backend.spec().contract() != contract) {
            throw ServiceException.invalidArgument(
                    field,
                    "model '" + name + "' is a " + backend.spec().family() + " backend; it does not serve "
                            + (contract == Contract.TEXTGEN ? "text generation" : "embeddings"));
        }
        return backend;
    }

    /** Whether the backend's vectors have the size asked for (any, when none is asked for or it is not known yet). */
    private static boolean dimensionsFit(Demand demand, Backend b) {
        return demand.dimensions() == 0
                || b.facts().dimension() == 0
                || b.facts().dimension() == demand.dimensions();
    }

    private static Skipped skip(Backend b, String reason) {
        return new Skipped(b.name(), b.model(), reason);
    }

    private static String missing(Backend b, Demand demand) {
        List<String> lacking = new ArrayList<>();
        for (Capability c : demand.needs()) {
            if (!b.capabilities().contains(c)) {
                lacking.add(c.configName());
            }
        }
        return String.join(", ", lacking);
    }

    private static String describe(Demand demand) {
        List<String> needs = new ArrayList<>();
        for (Capability c : demand.needs()) {
            needs.add(c.configName());
        }
        return "serve " + String.join(" + ", needs).toLowerCase(Locale.ROOT);
    }

    private static String reasons(List<Skipped> skipped) {
        if (skipped.isEmpty()) {
            return "no backends of this kind are configured";
        }
        List<String> parts = new ArrayList<>();
        for (Skipped s : skipped) {
            parts.add(s.backend() + ": " + s.reason());
        }
        return String.join("; ", parts);
    }
}
