package dev.tessera.orchestrator.routing;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.platform.error.ServiceException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The semantic routes from config, and their exemplars' vectors. The exemplars are embedded once, by the embedder
 * backend, the first time a semantic request needs them (not at startup: the orchestrator starts before its
 * backends); that one-time cost is the orchestrator's, not a tenant's. Vectors are normalised, so similarity is a dot
 * product.
 */
@Singleton
public class SemanticRoutes {

    /**
     * One route.
     *
     * @param name its name
     * @param target the backend that serves it, or empty
     * @param policy the policy that serves it when there is no target
     * @param exemplars requests typical of it
     */
    public record Route(String name, Optional<String> target, Policy policy, List<String> exemplars) {}

    /**
     * A route and how close the request is to it.
     *
     * @param route the route
     * @param similarity cosine similarity to its closest exemplar
     */
    public record Match(Route route, double similarity) {}

    private final List<Route> routes;
    private final Optional<String> defaultRoute;
    private final double threshold;
    private final String embedder;
    private final BackendRegistry backends;
    private volatile float[][][] vectors;

    @Inject
    public SemanticRoutes(OrchestratorConfig config, BackendRegistry backends) {
        OrchestratorConfig.Semantic s = config.routing().semantic();
        this.backends = backends;
        this.threshold = s.threshold();
        this.embedder = s.embedder();
        this.defaultRoute = s.defaultRoute();
        List<Route> built = new ArrayList<>();
        for (Map.Entry<String, OrchestratorConfig.Route> e : new TreeMap<>(s.routes()).entrySet()) {
            String key = "tessera.orchestrator.routing.semantic.routes." + e.getKey() + ".";
            OrchestratorConfig.Route r = e.getValue();
            if (r.target().isPresent() == r.policy().isPresent()) {
                throw new IllegalStateException(key + "target / policy: give exactly one");
            }
            Policy policy = Policy.EXPLICIT;
            if (r.policy().isPresent()) {
                policy = Policy.parse(r.policy().get())
                        .filter(p -> p == Policy.CHEAPEST_CAPABLE || p == Policy.CASCADE)
                        .orElseThrow(() -> new IllegalStateException(
                                key + "policy: '" + r.policy().get() + "' is not cheapest-capable or cascade"));
            } else if (backends.find(r.target().get()).isEmpty()) {
                throw new IllegalStateException(
                        key + "target: no backend '" + r.target().get() + "'");
            }
            if (r.exemplars().isEmpty()) {
                throw new IllegalStateException(key + "exemplars: give at least one");
            }
            built.add(new Route(e.getKey(), r.target(), policy, List.copyOf(r.exemplars())));
        }
        this.routes = List.copyOf(built);
        if (defaultRoute.isPresent() && routes.stream().noneMatch(r -> r.name().equals(defaultRoute.get()))) {
            throw new IllegalStateException(
                    "tessera.orchestrator.routing.semantic.default-route: no route '" + defaultRoute.get() + "'");
        }
        if (!routes.isEmpty()) {
            Backend b = backends.find(embedder)
                    .orElseThrow(() -> new IllegalStateException(
                            "tessera.orchestrator.routing.semantic.embedder: no backend '" + embedder + "'"));
            if (b.spec().contract() != Contract.EMBEDDING) {
                throw new IllegalStateException(
                        "tessera.orchestrator.routing.semantic.embedder: '" + embedder + "' does not embed");
            }
        }
    }

    public boolean configured() {
        return !routes.isEmpty();
    }

    public List<Route> routes() {
        return routes;
    }

    public Optional<Route> defaultRoute() {
        return defaultRoute.flatMap(
                name -> routes.stream().filter(r -> r.name().equals(name)).findFirst());
    }

    public double threshold() {
        return threshold;
    }

    /** The backend that embeds for semantic routing. */
    public Backend embedder() {
        return backends.find(embedder).orElseThrow();
    }

    /** The request for embedding one request's text, the same way the exemplars were. */
    public static EmbedRequest embedding(List<String> texts) {
        return EmbedRequest.newBuilder()
                .addAllInputs(texts)
                .setInputType(InputType.INPUT_TYPE_QUERY)
                .setNormalize(true)
                .setTruncate(true)
                .build();
    }

    /**
     * Every route, closest first, by the similarity of {@code query} (a normalised vector) to its closest exemplar.
     *
     * @throws ServiceException {@code UNAVAILABLE} when the exemplars cannot be embedded yet
     */
    public List<Match> rank(float[] query, long deadlineNanos) {
        float[][][] all = exemplarVectors(deadlineNanos);
        List<Match> out = new ArrayList<>();
        for (int r = 0; r < routes.size(); r++) {
            double best = -1;
            for (float[] v : all[r]) {
                best = Math.max(best, dot(query, v));
            }
            out.add(new Match(routes.get(r), best));
        }
        out.sort(Comparator.comparingDouble(Match::similarity).reversed());
        return out;
    }

    private float[][][] exemplarVectors(long deadlineNanos) {
        float[][][] ready = vectors;
        if (ready != null) {
            return ready;
        }
        synchronized (this) {
            if (vectors != null) {
                return vectors;
            }
            List<String> texts = new ArrayList<>();
            routes.forEach(r -> texts.addAll(r.exemplars()));
            EmbedResponse response;
            try {
                response = embedder().embed(embedding(texts), deadlineNanos);
            } catch (Exception e) {
                throw ServiceException.unavailable(
                        "semantic routing cannot embed its exemplars yet (" + embedder + "): " + e.getMessage());
            }
            float[][][] built = new float[routes.size()][][];
            int i = 0;
            for (int r = 0; r < routes.size(); r++) {
                built[r] = new float[routes.get(r).exemplars().size()][];
                for (int j = 0; j < built[r].length; j++) {
                    built[r][j] = toArray(response.getEmbeddings(i++).getValuesList());
                }
            }
            vectors = built;
            return built;
        }
    }

    /** A vector's values as an array. */
    public static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
