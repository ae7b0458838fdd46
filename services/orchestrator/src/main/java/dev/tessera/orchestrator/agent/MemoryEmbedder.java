package dev.tessera.orchestrator.agent;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.orchestrator.backend.Backend;
import dev.tessera.orchestrator.backend.BackendFailures;
import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.orchestrator.ledger.Charge;
import dev.tessera.orchestrator.pricing.WorstCase;
import dev.tessera.orchestrator.routing.Demand;
import dev.tessera.orchestrator.routing.SemanticRoutes;
import dev.tessera.orchestrator.service.OrchestratorService;
import dev.tessera.platform.usage.UsageMapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Makes memory's vectors with the one configured embedding backend, and prices each call: memory must compare vectors
 * of one model, so it never routes among embedders.
 */
@Singleton
public class MemoryEmbedder {

    /** A text's vector and what making it cost. */
    public record Embedded(float[] vector, Charge charge) {}

    /** An embedding the backend could not make; the message says why, for the model and the transcript. */
    public static final class EmbedFailure extends RuntimeException {
        EmbedFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final BackendRegistry backends;
    private final String name;

    @Inject
    public MemoryEmbedder(BackendRegistry backends, OrchestratorConfig config) {
        this.backends = backends;
        this.name = config.agent().embedder();
    }

    /** The embedder's name, stored with every vector. */
    public String name() {
        return name;
    }

    /** Why memory cannot work here, or empty when it can. */
    public Optional<String> unavailable() {
        Optional<Backend> b = backends.find(name);
        if (b.isEmpty()) {
            return Optional.of("memory's embedder '" + name + "' (tessera.orchestrator.agent.embedder) is not a"
                    + " configured backend");
        }
        if (!b.get().capabilities().contains(Capability.EMBED)) {
            return Optional.of("memory's embedder '" + name + "' is not an embedding backend");
        }
        return Optional.empty();
    }

    /** The most embedding {@code maxChars} characters can cost. */
    public long worstCaseMicros(int maxChars) {
        return backends.find(name)
                .map(b -> WorstCase.micros(
                        new Demand(
                                Contract.EMBEDDING,
                                Set.of(Capability.EMBED),
                                maxChars * 4L,
                                0,
                                0,
                                List.of(maxChars * 4),
                                "",
                                0),
                        b))
                .orElse(0L);
    }

    /**
     * Embeds one text: a query (what is searched for, a goal) or a passage (a fact stored), as e5-style models tell
     * them apart.
     *
     * @throws EmbedFailure when the backend cannot
     */
    public Embedded embed(String text, boolean passage, OrchestratorService.Call call) {
        Backend b = backends.find(name)
                .orElseThrow(() -> new EmbedFailure(unavailable().orElse(name), null));
        EmbedRequest request = SemanticRoutes.embedding(List.of(text)).toBuilder()
                .setInputType(passage ? InputType.INPUT_TYPE_PASSAGE : InputType.INPUT_TYPE_QUERY)
                .setModel(b.model())
                .setMetadata(dev.tessera.common.grpc.v1.RequestMetadata.newBuilder()
                        .setTenant(call.caller().tenant())
                        .setRequestId(call.requestId()))
                .build();
        EmbedResponse response;
        try {
            response = b.embed(request, call.deadlineNanos());
        } catch (Exception e) {
            throw new EmbedFailure(BackendFailures.describe(e), e);
        }
        long cost = b.prices().cost(UsageMapper.fromProto(response.getUsage()));
        return new Embedded(
                SemanticRoutes.toArray(response.getEmbeddings(0).getValuesList()), new Charge(b.name(), cost));
    }
}
