package dev.tessera.mlm.service;

import ai.onnxruntime.OrtException;
import dev.tessera.mlm.config.EmbeddingConfig;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.platform.usage.Usage;
import dev.tessera.runtime.batch.BatchPolicy;
import dev.tessera.runtime.batch.Batched;
import dev.tessera.runtime.batch.MicroBatcher;
import dev.tessera.runtime.engine.LoadedModel;
import dev.tessera.runtime.engine.ModelRegistry;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.runtime.serving.ServedModel;
import dev.tessera.runtime.serving.ServedModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Embeds text with the configured models. Each model gets its own micro-batcher, so inputs from concurrent requests
 * share model runs; a request's inputs are admitted to the queue all together or not at all.
 */
@ApplicationScoped
public class EmbeddingService {

    private static final List<String> WARMUP = List.of(
            "Warm-up sentence so the first real request does not pay for allocation.",
            "A second, longer warm-up sentence gives the batch a ragged edge, the way real traffic does.");

    /** A model that is ready to serve, with its batcher; closing it stops the batcher, then frees the model. */
    private record Serving(EmbeddingModel model, MicroBatcher<EmbeddingModel.Input, EmbeddingModel.Output> batcher)
            implements ServedModel {

        @Override
        public LoadedModel loaded() {
            return model.loaded();
        }

        @Override
        public void close() {
            batcher.close();
            model.close();
        }
    }

    private final EmbeddingConfig config;
    private final OnnxEngine engine;
    private final MeterRegistry meters;
    private final ServedModels<Serving> models;

    @Inject
    public EmbeddingService(
            EmbeddingConfig config,
            ModelRegistry registry,
            ModelLocator locator,
            OnnxEngine engine,
            MeterRegistry meters) {
        this.config = config;
        this.engine = engine;
        this.meters = meters;
        this.models = new ServedModels<>(EmbeddingConfig.FAMILY, config, registry, locator);
    }

    void onStart(@Observes StartupEvent event) {
        BatchPolicy policy = config.batching().policy();
        models.loadInBackground(
                located -> {
                    EmbeddingModel model = EmbeddingModel.open(located, engine, config.maxRunTokens());
                    return new Serving(model, new MicroBatcher<>(model.name(), policy, model::embed, meters));
                },
                serving -> warm(serving.model(), policy.maxBatchSize()));
    }

    void onStop(@Observes ShutdownEvent event) {
        models.close();
    }

    private static void warm(EmbeddingModel model, int batchSize) throws OrtException {
        List<EmbeddingModel.Input> batch = new ArrayList<>();
        for (int i = 0; i < Math.max(1, Math.min(batchSize, 8)); i++) {
            batch.add(new EmbeddingModel.Input(WARMUP.get(i % WARMUP.size()), InputType.PASSAGE));
        }
        model.embed(batch.subList(0, 1));
        model.embed(batch);
    }

    /** The loaded models, default first. */
    public List<ModelDescription> models() {
        return models.list((serving, isDefault) -> {
            EmbeddingModel m = serving.model();
            return new ModelDescription(
                    m.name(),
                    m.spec().dimension(),
                    m.maxTokens(),
                    m.spec().pooling().name(),
                    isDefault,
                    m.loaded().manifest().source(),
                    m.loaded().manifest().license());
        });
    }

    /**
     * Embeds the command's inputs. They are tokenized and run on the batcher's thread; an input the model had to cut
     * fails the request when the command does not allow truncation.
     */
    public CompletionStage<EmbedResult> embed(EmbedCommand command) {
        Serving s = models.resolve(command.model());
        EmbeddingModel model = s.model();
        String name = model.name();
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
}
