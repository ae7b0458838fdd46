package dev.tessera.orchestrator.backend;

import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.pricing.Prices;
import dev.tessera.platform.grpc.TraceParentPassThrough;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.opentelemetry.runtime.tracing.instrumentation.grpc.GrpcTracingClientInterceptor;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The backends, built from config at startup (a bad entry stops the start, naming its key), and their health, probed
 * on a schedule: each address answers {@code grpc.health.v1} Check and lists its models, and a backend is a candidate
 * only while one of its addresses serves its model and its breaker is closed. Addresses are shared: a service that
 * serves two backends (llm: stories15m and tool-llm) has one channel and one probe.
 */
@Singleton
@Startup
public class BackendRegistry {

    private static final Logger LOG = Logger.getLogger(BackendRegistry.class);

    private final Map<String, Backend> backends;
    private final Map<String, Endpoint> endpoints;
    private final Map<String, Contract> contractOf;
    private final long probeTimeoutMillis;
    private volatile boolean probedOnce;

    @Inject
    public BackendRegistry(
            OrchestratorConfig config,
            TraceParentPassThrough passThrough,
            Instance<GrpcTracingClientInterceptor> tracing) {
        this(specs(config), config.health(), interceptors(passThrough, tracing));
    }

    /**
     * @param interceptors what every routed call goes through, the first innermost; the health probes go around them
     */
    BackendRegistry(List<BackendSpec> specs, OrchestratorConfig.Health health, List<ClientInterceptor> interceptors) {
        this.probeTimeoutMillis = health.timeout().toMillis();
        Map<String, Endpoint> byAddress = new LinkedHashMap<>();
        Map<String, Contract> contracts = new HashMap<>();
        Map<String, Backend> built = new LinkedHashMap<>();
        for (BackendSpec spec : specs) {
            List<Endpoint> mine = new ArrayList<>();
            for (String address : spec.addresses()) {
                Contract seen = contracts.putIfAbsent(address, spec.contract());
                if (seen != null && seen != spec.contract()) {
                    throw new IllegalStateException("tessera.orchestrator.backends." + spec.name() + ".addresses: "
                            + address + " is given as a " + seen + " service by another backend");
                }
                mine.add(byAddress.computeIfAbsent(address, a -> new Endpoint(a, channel(a), interceptors)));
            }
            built.put(spec.name(), new Backend(spec, mine, health.latencyWindow()));
        }
        this.backends = built;
        this.endpoints = byAddress;
        this.contractOf = contracts;
    }

    /** Every backend, by name. */
    public List<Backend> all() {
        return List.copyOf(backends.values());
    }

    public Optional<Backend> find(String name) {
        return Optional.ofNullable(backends.get(name));
    }

    /** Probes every address; runs on a schedule, and once at startup. */
    @Scheduled(
            every = "${tessera.orchestrator.health.interval:2s}",
            delayed = "0s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void probe() {
        for (Endpoint endpoint : endpoints.values()) {
            probe(endpoint, contractOf.get(endpoint.address()));
        }
        probedOnce = true;
    }

    /**
     * Whether every address has been probed at least once, up or down. Until then routing knows nothing and would
     * refuse every call, so the orchestrator does not report ready (BackendsProbedCheck).
     */
    public boolean probedOnce() {
        return probedOnce;
    }

    private void probe(Endpoint endpoint, Contract contract) {
        boolean wasServing = endpoint.reason().startsWith("serving");
        try {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(endpoint.channel())
                    .withDeadlineAfter(probeTimeoutMillis, TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            if (health.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
                endpoint.probed(false, "health " + health.getStatus(), Map.of());
            } else {
                Map<String, ModelFacts> models = listModels(endpoint.channel(), contract);
                endpoint.probed(true, "serving " + models.keySet(), models);
            }
        } catch (StatusRuntimeException e) {
            endpoint.probed(
                    false,
                    e.getStatus().getCode()
                            + (e.getStatus().getDescription() == null
                                    ? ""
                                    : ": " + e.getStatus().getDescription()),
                    Map.of());
        }
        boolean serving = endpoint.reason().startsWith("serving");
        if (serving != wasServing) {
            LOG.infof("backend address %s: %s", endpoint.address(), endpoint.reason());
        }
    }

    private Map<String, ModelFacts> listModels(ManagedChannel channel, Contract contract) {
        Map<String, ModelFacts> models = new HashMap<>();
        switch (contract) {
            case TEXTGEN ->
                TextGenerationGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(probeTimeoutMillis, TimeUnit.MILLISECONDS)
                        .listModels(dev.tessera.textgen.grpc.v1.ListModelsRequest.getDefaultInstance())
                        .getModelsList()
                        .forEach(m -> models.put(m.getName(), new ModelFacts(m.getContextLength(), 0)));
            case EMBEDDING ->
                EmbeddingGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(probeTimeoutMillis, TimeUnit.MILLISECONDS)
                        .listModels(dev.tessera.embedding.grpc.v1.ListModelsRequest.getDefaultInstance())
                        .getModelsList()
                        .forEach(m -> models.put(m.getName(), new ModelFacts(m.getMaxTokens(), m.getDimension())));
        }
        return models;
    }

    /**
     * The trace interceptors of routed calls: OpenTelemetry's (a client span, and the {@code traceparent} of it) when
     * tracing is on, and within it the pass-through of the client's own trace context for when tracing is off.
     */
    private static List<ClientInterceptor> interceptors(
            TraceParentPassThrough passThrough, Instance<GrpcTracingClientInterceptor> tracing) {
        List<ClientInterceptor> all = new ArrayList<>();
        all.add(passThrough);
        tracing.forEach(all::add);
        return all;
    }

    @PreDestroy
    public void close() {
        for (Endpoint e : endpoints.values()) {
            e.channel().shutdownNow();
        }
    }

    /**
     * A channel to one address: {@code host:port} as is, or any grpc-java target ({@code dns:///name:port} for a
     * headless Service). Round-robin over what the name resolves to, so every pod takes calls.
     */
    static ManagedChannel channel(String address) {
        return NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .defaultLoadBalancingPolicy("round_robin")
                // retries are the backend guard's (UNAVAILABLE only, on the next address); grpc-java's own would buffer
                // every call to be able to replay it
                .disableRetry()
                .maxInboundMessageSize(16 * 1024 * 1024)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
    }

    /** The configured backends, checked; a bad entry fails the start with the key it concerns. */
    static List<BackendSpec> specs(OrchestratorConfig config) {
        if (config.backends().isEmpty()) {
            throw new IllegalStateException("tessera.orchestrator.backends: no backends are configured");
        }
        List<BackendSpec> specs = new ArrayList<>();
        for (Map.Entry<String, OrchestratorConfig.Backend> entry : new TreeMap<>(config.backends()).entrySet()) {
            String name = entry.getKey();
            OrchestratorConfig.Backend b = entry.getValue();
            String key = "tessera.orchestrator.backends." + name + ".";
            Contract contract = Contract.ofFamily(b.family())
                    .orElseThrow(() -> new IllegalStateException(key + "family: '" + b.family()
                            + "' is not a family the orchestrator speaks to (llm, slm, moe, mlm)"));
            if (b.addresses().isEmpty()) {
                throw new IllegalStateException(key + "addresses: give at least one host:port");
            }
            Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
            for (String c : b.capabilities()) {
                capabilities.add(Capability.parse(c)
                        .orElseThrow(() -> new IllegalStateException(key + "capabilities: unknown capability '" + c
                                + "'; known: chat, tools, json_schema, embed")));
            }
            if (contract == Contract.EMBEDDING && !capabilities.equals(EnumSet.of(Capability.EMBED))) {
                throw new IllegalStateException(key + "capabilities: an mlm backend can only embed");
            }
            if (contract == Contract.TEXTGEN && capabilities.contains(Capability.EMBED)) {
                throw new IllegalStateException(key + "capabilities: a text-generation backend cannot embed");
            }
            if (b.maxConcurrency() < 1) {
                throw new IllegalStateException(key + "max-concurrency: must be at least 1");
            }
            if (b.maxRetries() < 0) {
                throw new IllegalStateException(key + "max-retries: must be 0 or more");
            }
            OrchestratorConfig.Prices p = b.prices();
            Prices prices;
            try {
                prices = new Prices(
                        p.inputPer1kTokens(),
                        p.outputPer1kTokens(),
                        p.perItem(),
                        p.perComputeSecond(),
                        p.perImage(),
                        p.perMegapixel());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(key + "prices: " + e.getMessage(), e);
            }
            specs.add(new BackendSpec(
                    name,
                    b.family(),
                    contract,
                    b.model().orElse(name),
                    List.copyOf(b.addresses()),
                    Set.copyOf(capabilities),
                    prices,
                    b.qualityTier(),
                    b.maxConcurrency(),
                    b.latencySlo(),
                    b.timeout(),
                    b.maxRetries(),
                    b.retryDelay(),
                    b.circuitBreaker().requestVolume(),
                    b.circuitBreaker().failureRatio(),
                    b.circuitBreaker().delay()));
        }
        return specs;
    }
}
