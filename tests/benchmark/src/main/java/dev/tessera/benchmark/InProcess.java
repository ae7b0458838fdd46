package dev.tessera.benchmark;

import dev.tessera.conformance.Texts;
import dev.tessera.mlm.service.EmbeddingModel;
import dev.tessera.mlm.service.InputType;
import dev.tessera.runtime.engine.EngineSettings;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The baseline: the service's own model class called directly, tokenize + run + pool + normalise, with no gRPC and no
 * queue. It is what the service could reach if serving cost nothing.
 */
final class InProcess implements AutoCloseable {

    private final EmbeddingModel model;
    private final int workers;

    /**
     * @param intraOpThreads ONNX Runtime threads per run, as the service is configured
     * @param workers loops running at once, as the service's batcher workers
     */
    InProcess(String modelName, int intraOpThreads, int workers) {
        this.workers = workers;
        OnnxEngine engine = new OnnxEngine(new EngineSettings(
                EngineSettings.Provider.cpu,
                false,
                0,
                intraOpThreads,
                1,
                EngineSettings.Optimization.all,
                false,
                true));
        this.model = EmbeddingModel.load(
                modelName, new ModelLocator(Optional.empty(), InProcess.class.getClassLoader()), engine);
    }

    /** Runs batches of {@code batch} texts back to back, in {@code workers} loops at once, for the given time. */
    Stats measure(int batch, double warmupSeconds, double seconds) throws Exception {
        parallel(batch, warmupSeconds, new Histogram(TimeUnit.MINUTES.toMicros(1), 3));
        Histogram micros = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        long start = System.nanoTime();
        long items = parallel(batch, seconds, micros);
        return Stats.of("in-process batch " + batch, items, System.nanoTime() - start, micros);
    }

    private long parallel(int batch, double seconds, Histogram micros) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Long>> loops = new ArrayList<>();
            List<Histogram> parts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Histogram part = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
                parts.add(part);
                loops.add(pool.submit(() -> loop(batch, seconds, part)));
            }
            long items = 0;
            for (Future<Long> f : loops) {
                items += f.get();
            }
            parts.forEach(micros::add);
            return items;
        } finally {
            pool.shutdownNow();
        }
    }

    private long loop(int batch, double seconds, Histogram micros) throws Exception {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        long items = 0;
        int next = 0;
        while (System.nanoTime() < until) {
            long t0 = System.nanoTime();
            List<EmbeddingModel.Input> inputs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                inputs.add(new EmbeddingModel.Input(
                        Texts.SENTENCES.get(next++ % Texts.SENTENCES.size()), InputType.PASSAGE));
            }
            model.embed(inputs).forEach(o -> EmbeddingModel.normalize(o.vector()));
            micros.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            items += batch;
        }
        return items;
    }

    /** The normalised vectors of {@code texts} as passages, embedded together in one batch. */
    List<float[]> vectors(List<String> texts) throws Exception {
        List<EmbeddingModel.Input> inputs = new ArrayList<>(texts.size());
        for (String text : texts) {
            inputs.add(new EmbeddingModel.Input(text, InputType.PASSAGE));
        }
        return model.embed(inputs).stream()
                .map(o -> EmbeddingModel.normalize(o.vector()))
                .toList();
    }

    @Override
    public void close() {
        model.close();
    }
}
