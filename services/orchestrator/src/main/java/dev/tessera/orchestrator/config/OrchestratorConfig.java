package dev.tessera.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the orchestrator is told: which backends exist and what they cost, how to route, who may call, and where
 * the ledger lives. Backends are configuration, not discovery, so that an ops team reviews every price and address in
 * one file (or one Helm values block).
 */
@ConfigMapping(prefix = "tessera.orchestrator")
public interface OrchestratorConfig {

    /** The backends, by name: the name clients give as a request's model. */
    Map<String, Backend> backends();

    /** How requests are routed when they do not name a model. */
    Routing routing();

    /** Who may call. */
    Auth auth();

    /** Where money is recorded. */
    Ledger ledger();

    /** How backends are watched. */
    Health health();

    /** What a single request may ask for; larger is refused before anything is reserved. */
    Limits limits();

    /** The agent loop: its limits, and the memory its tools read and write. */
    Agent agent();

    /** One model the orchestrator can route to, on one family service. */
    interface Backend {

        /**
         * The family that serves it, which decides its contract: {@code llm}, {@code slm} and {@code moe} speak
         * {@code tessera.textgen.v1}, {@code mlm} speaks {@code tessera.embedding.v1}.
         */
        String family();

        /** The model's name on its service, when it differs from the backend's name. */
        Optional<String> model();

        /**
         * Where the service is reached: {@code host:port}, or {@code dns:///name:port} for a Kubernetes headless
         * Service, whose pods the client balances round-robin (a ClusterIP would pin each HTTP/2 connection to one
         * pod). Several addresses are used in turn, skipping those that are down.
         */
        List<String> addresses();

        /** What it can do: {@code chat}, {@code tools}, {@code json_schema}, {@code embed}. */
        Set<String> capabilities();

        /** Its price table. */
        Prices prices();

        /** Its quality tier, higher is better; requests may ask for a minimum. */
        @WithDefault("1")
        int qualityTier();

        /** The most calls sent to it at once (a bulkhead); past that the router falls back to the next candidate. */
        @WithDefault("32")
        int maxConcurrency();

        /**
         * The latency it should answer within. While its recent 95th percentile (over {@code health.latency-window})
         * is above this, cheapest-capable routing skips it for another candidate that meets its own.
         */
        @WithDefault("10s")
        Duration latencySlo();

        /** How long one call to it may take before it is abandoned (a gRPC deadline, which also stops the work). */
        @WithDefault("60s")
        Duration timeout();

        /** Retries on {@code UNAVAILABLE}, the only failure where trying the same backend again can help. */
        @WithDefault("2")
        int maxRetries();

        /** Pause before a retry. */
        @WithDefault("50ms")
        Duration retryDelay();

        /** When to stop calling it for a while. */
        CircuitBreaker circuitBreaker();
    }

    /**
     * Prices in integer micro-dollars (a price of 150 per 1k input tokens is $0.15 per million). A call is charged
     * each rule it touches, each rounded up to a whole micro-dollar.
     */
    interface Prices {
        /** Per 1,000 input tokens. */
        @WithDefault("0")
        long inputPer1kTokens();

        /** Per 1,000 output tokens. */
        @WithDefault("0")
        long outputPer1kTokens();

        /** Per item: one embedded input. */
        @WithDefault("0")
        long perItem();

        /** Per second of model compute. */
        @WithDefault("0")
        long perComputeSecond();

        /** Per image read or produced (the vision families). */
        @WithDefault("0")
        long perImage();

        /** Per megapixel read or produced (the vision families). */
        @WithDefault("0")
        long perMegapixel();
    }

    /** A backend's circuit breaker (SmallRye Fault Tolerance). */
    interface CircuitBreaker {
        /** Calls in the rolling window the failure ratio is measured over. */
        @WithDefault("10")
        int requestVolume();

        /** The share of failed calls in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long it stays open before letting a trial call through. */
        @WithDefault("5s")
        Duration delay();
    }

    /** Routing. */
    interface Routing {
        /**
         * The policy for a generation that names no model: {@code cheapest-capable}, {@code cascade} or
         * {@code semantic}.
         */
        @WithDefault("cheapest-capable")
        String defaultGeneratePolicy();

        /** The cascade's two steps and its acceptance rule. */
        Cascade cascade();

        /** Routes chosen by what a request is about. */
        Semantic semantic();
    }

    /**
     * Semantic routing: the request's last user message is embedded and compared with each route's exemplars; the
     * route of the closest exemplar wins if it is at least {@code threshold} similar, else the default route.
     */
    interface Semantic {
        /** The embedding backend that embeds exemplars and requests. */
        @WithDefault("e5-small-v2-q8")
        String embedder();

        /** The least cosine similarity to a route's closest exemplar that chooses the route. */
        @WithDefault("0.8")
        double threshold();

        /** The route taken when none is similar enough; without one, such a request is refused. */
        Optional<String> defaultRoute();

        /** The routes, by name. */
        Map<String, Route> routes();
    }

    /** One semantic route: where its requests go, and what they look like. */
    interface Route {
        /** A backend that serves the route's requests; or give {@code policy}. */
        Optional<String> target();

        /** The policy that serves the route's requests ({@code cheapest-capable} or {@code cascade}). */
        Optional<String> policy();

        /** Requests typical of the route, as indexed keys ({@code exemplars[0]=...}): sentences may hold commas. */
        List<String> exemplars();
    }

    /** The cascade: a cheap model first, a strong one when the cheap answer is not good enough. */
    interface Cascade {
        /** The backend tried first. */
        @WithDefault("tool-slm")
        String cheap();

        /** The backend escalated to. */
        @WithDefault("tool-llm")
        String strong();

        /**
         * The cheap answer's mean token log-probability must be at least this to be accepted (with a tool call that
         * validates against its schema). Calibrated on the forge's held-out set: docs/benchmarks.md.
         */
        @WithDefault("-0.02")
        double minMeanLogprob();
    }

    /** Who may call. */
    interface Auth {
        /**
         * Whether every call needs an API key. Off, a call without a key is billed to {@code local-tenant} (the local
         * mode); a key that is given is still checked.
         */
        @WithDefault("false")
        boolean requireKeys();

        /** The key that guards the Admin service; without one, administration is refused. From a Secret. */
        Optional<String> adminKey();

        /** The tenant billed for calls without a key when keys are not required. */
        @WithDefault("local")
        String localTenant();
    }

    /** The ledger's database. */
    interface Ledger {
        /**
         * A JDBC URL: {@code jdbc:h2:file:<path>} (the local default, nothing to install) or
         * {@code jdbc:postgresql://host:5432/db} (production; every replica shares it).
         */
        @WithDefault("jdbc:h2:file:./data/orchestrator/ledger")
        String jdbcUrl();

        /** The database user. */
        Optional<String> username();

        /** The database password. From a Secret. */
        Optional<String> password();

        /** Connections in the pool: how many ledger transactions run at once. */
        @WithDefault("16")
        int maxConnections();

        /**
         * Threads that write the ledger, each running many requests' reserves and commits in one transaction (group
         * commit): one database flush per batch instead of per request.
         */
        @WithDefault("2")
        int writers();

        /** The most reserves, commits and releases in one ledger transaction. */
        @WithDefault("256")
        int maxBatch();

        /**
         * How long commits and releases may wait to share a ledger transaction with later ones. Nobody waits on them
         * (the reservation holds the money until they land), so fewer, larger transactions cost no latency; a
         * reservation, which a request does wait on, is written at once and takes the waiting ones with it. An
         * orchestrator killed meanwhile loses at most this much of charges (their leases return the held money).
         */
        @WithDefault("50ms")
        Duration commitLinger();

        /**
         * How long the list of a payer's budgets is remembered, so that a reservation skips reading it and a payer
         * without any budget skips the database on the way in. Limits are always read fresh. A budget set on this
         * replica applies at once; one set through another replica applies here within this time. 0 reads it on
         * every call.
         */
        @WithDefault("1s")
        Duration budgetCacheTtl();

        /**
         * Added to a request's longest possible duration (every candidate's timeout) to size its reservation's lease:
         * a crashed orchestrator's reservations return their money this long after the request could have ended.
         */
        @WithDefault("30s")
        Duration leaseMargin();

        /** How often expired leases are looked for. */
        @WithDefault("10s")
        Duration expiryInterval();
    }

    /** Watching backends. */
    interface Health {
        /** How often each address is asked {@code grpc.health.v1} Check and ListModels. */
        @WithDefault("2s")
        Duration interval();

        /** How long one health probe may take. */
        @WithDefault("1s")
        Duration timeout();

        /** How far back the latency percentile for the SLO looks. */
        @WithDefault("30s")
        Duration latencyWindow();
    }

    /** Limits on one request. */
    interface Limits {
        /** The most {@code max_tokens} a generation may ask for. */
        @WithDefault("1024")
        int maxTokens();

        /**
         * {@code max_tokens} for a generation that does not set it. The orchestrator always sends one, so that the
         * worst case it reserved is the backend's bound too.
         */
        @WithDefault("256")
        int defaultMaxTokens();

        /** The most UTF-8 bytes of text in one request (messages, tools, inputs together). */
        @WithDefault("262144")
        int maxInputBytes();

        /** The most inputs in one embedding request. */
        @WithDefault("256")
        int maxEmbedInputs();

        /** The largest {@code max_cost_micros} accepted: $1,000 for one request is a typo, not a limit. */
        @WithDefault("1000000000")
        long maxCostMicros();
    }

    /** The agent loop and its memory. */
    interface Agent {
        /**
         * The most steps a run may ask for. A run reserves its steps times its worst step, so this bounds the money a
         * run can hold and how long it can hold a worker.
         */
        @WithDefault("8")
        int maxSteps();

        /** The most tokens one step's model call may generate; a step's worst case is priced with it. */
        @WithDefault("128")
        int stepMaxTokens();

        /** The longest goal accepted, in characters (the tool models' context is 256 tokens). */
        @WithDefault("1000")
        int maxGoalChars();

        /** How long a run may take when its request sets no deadline: no run holds money and a worker forever. */
        @WithDefault("120s")
        Duration defaultDeadline();

        /**
         * The embedding backend that makes memory's vectors (facts, and goals for recipes). Vectors are stored with
         * its name, and only vectors of the configured embedder are searched, so changing it starts memory afresh.
         */
        @WithDefault("e5-small-v2-q8")
        String embedder();

        /** How many facts one {@code search_memory} call returns. */
        @WithDefault("3")
        int searchResults();

        /** The least cosine similarity a found fact must have to be shown to the model: below it, nothing found. */
        @WithDefault("0.75")
        double minFactSimilarity();

        /**
         * The least cosine similarity between a run's goal and a recipe's goal for the recipe to be given to the model
         * as a hint. e5 scores unrelated English sentences about 0.7, so lower thresholds recall noise.
         */
        @WithDefault("0.9")
        double recipeMinSimilarity();

        /**
         * The cascade's threshold for an agent step, set apart from single requests' (routing.cascade): on 240 held-out
         * multi-step goals, -0.1 kept the success of -0.02 at 0.61x the cost (docs/benchmarks.md).
         */
        @WithDefault("-0.1")
        double cascadeMinMeanLogprob();

        /** The most characters of a tool result the model reads; a longer result is cut, and says so. */
        @WithDefault("400")
        int maxObservationChars();

        /** Days a tenant's memory is kept, unless the Admin API set the tenant's own retention. */
        @WithDefault("365")
        int retentionDays();

        /** How often memory past its tenant's retention is erased. */
        @WithDefault("1h")
        Duration sweepInterval();
    }
}
