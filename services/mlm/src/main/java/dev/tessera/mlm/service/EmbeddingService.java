package dev.tessera.mlm.service;

import dev.tessera.mlm.config.EmbeddingConfig;
import dev.tessera.runtime.batch.BatchPolicy;
import dev.tessera.runtime.batch.Batched;
import dev.tessera.runtime.batch.MicroBatcher;
import dev.tessera.runtime.engine.ModelRegistry;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.error.ServiceException;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.runtime.usage.Usage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Embeds text with the configured models. Each model gets its own micro-batcher, so inputs from concurrent requests
 * share model runs; a request's inputs are admitted to the queue all together or not at all.
 */
@ApplicationScoped
public class EmbeddingService {

    private static final List<String> WARMUP = List.of(
            "Warm-up sentence so the first real request does not pay for allocation.",
            "A second, longer warm-up sentence gives the batch a ragged edge, the way real traffic does.");

    /** A model that is ready to serve, with its batcher. */
    private record Serving(EmbeddingModel model, MicroBatcher<EmbeddingModel.Input, EmbeddingModel.Output> batcher) {}

    private final EmbeddingConfig config;
    private final ModelRegistry registry;
    private final ModelLocator locator;
    private final OnnxEngine engine;
    private final MeterRegistry meters;
    private final Map<String, Serving> serving = new ConcurrentHashMap<>();
    private final String defaultModel;

    @Inject
    public EmbeddingService(
            EmbeddingConfig config,
            ModelRegistry registry,
            ModelLocator locator,
            OnnxEngine engine,
            MeterRegistry meters) {
        this.config = config;
        this.registry = registry;
        this.locator = locator;
        this.engine = engine;
        this.meters = meters;
        if (config.models().size() != config.models().stream().distinct().count()) {
            throw new IllegalStateException("tessera.mlm.models lists a model twice: " + config.models());
        }
        this.defaultModel = config.defaultModel().orElse(config.models().get(0));
        if (!config.models().contains(defaultModel)) {
            throw new IllegalStateException("tessera.mlm.default-model '" + defaultModel
                    + "' is not among tessera.mlm.models " + config.models());
        }
    }

    void onStart(@Observes StartupEvent event) {
        BatchPolicy policy = config.batching().policy();
        registry.loadInBackground(config.models(), name -> {
            EmbeddingModel model = EmbeddingModel.load(name, locator, engine);
            warm(model, policy.maxBatchSize());
            MicroBatcher<EmbeddingModel.Input, EmbeddingModel.Output> batcher =
                    new MicroBatcher<>(name, policy, model::embed, meters);
            serving.put(name, new Serving(model, batcher));
            return model.loaded();
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        serving.values().forEach(s -> {
            s.batcher().close();
            s.model().close();
        });
    }

    private static void warm(EmbeddingModel model, int batchSize) {
        try {
            List<EmbeddingModel.Input> batch = new ArrayList<>();
            for (int i = 0; i < Math.max(1, Math.min(batchSize, 8)); i++) {
                batch.add(new EmbeddingModel.Input(WARMUP.get(i % WARMUP.size()), InputType.PASSAGE));
            }
            model.embed(batch.subList(0, 1));
            model.embed(batch);
        } catch (Exception e) {
            throw new IllegalStateException("warm-up of model '" + model.name() + "' failed: " + e.getMessage(), e);
        }
    }

    /** The loaded models, default first. */
    public List<ModelDescription> models() {
        List<ModelDescription> out = new ArrayList<>();
        for (String name : config.models()) {
            Serving s = serving.get(name);
            if (s == null) {
                continue;
            }
            EmbeddingModel m = s.model();
            ModelDescription d = new ModelDescription(
                    name,
                    m.spec().dimension(),
                    m.maxTokens(),
                    m.spec().pooling().name(),
                    name.equals(defaultModel),
                    m.loaded().manifest().source(),
                    m.loaded().manifest().license());
            if (d.isDefault()) {
                out.add(0, d);
            } else {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * Embeds the command's inputs. They are tokenized and run on the batcher's thread; an input the model had to cut
     * fails the request when the command does not allow truncation.
     */
    public CompletionStage<EmbedResult> embed(EmbedCommand command) {
        String name = command.model().filter(m -> !m.isEmpty()).orElse(defaultModel);
        Serving s = resolve(name);
        EmbeddingModel model = s.model();
        List<EmbeddingModel.Input> inputs = command.inputs().stream()
                .map(text -> new EmbeddingModel.Input(text, command.inputType()))
                .toList();
        List<CompletableFuture<Batched<EmbeddingModel.Output>>> futures =
                s.batcher().submitAll(inputs, command.deadlineNanos());
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    List<EmbedResult.Embedded> vectors = new ArrayList<>(futures.size());
                    long tokens = 0;
                    long computeNanos = 0;
                    for (int i = 0; i < futures.size(); i++) {
                        Batched<EmbeddingModel.Output> b = futures.get(i).join();
                        EmbeddingModel.Output out = b.value();
                        if (out.truncated() && !command.truncate()) {
                            throw ServiceException.invalidArgument(
                                    "inputs[" + i + "]",
                                    "is longer than the " + model.maxTokens() + "-token limit of model '" + name
                                            + "' (prefix included); shorten it or set truncate=true");
                        }
                        float[] v = command.normalize() ? EmbeddingModel.normalize(out.vector()) : out.vector();
                        vectors.add(new EmbedResult.Embedded(v, out.tokens(), out.truncated()));
                        tokens += out.tokens();
                        computeNanos += b.computeNanos();
                    }
                    return new EmbedResult(
                            vectors,
                            model.spec().dimension(),
                            name,
                            Usage.ofInput(tokens, vectors.size(), Math.round(computeNanos / 1e6)));
                })
                .whenComplete((r, e) -> {
                    if (e != null) {
                        futures.forEach(f -> f.cancel(false));
                    }
                });
    }

    private Serving resolve(String name) {
        Serving s = serving.get(name);
        if (s != null) {
            return s;
        }
        ModelRegistry.Entry entry = registry.entry(name)
                .orElseThrow(() -> ServiceException.notFound(
                        "model", "no embedding model '" + name + "'; this service serves " + config.models()));
        throw entry.state() == ModelRegistry.State.FAILED
                ? ServiceException.unavailable("model '" + name + "' failed to load: " + entry.error())
                : ServiceException.unavailable("model '" + name + "' is still loading; retry shortly");
    }
}
