package dev.tessera.mlm.service;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tessera.mlm.config.EmbeddingConfig;
import dev.tessera.runtime.engine.LoadedModel;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.engine.Resources;
import dev.tessera.runtime.model.ModelLoadException;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.runtime.serving.ServedModel;
import dev.tessera.runtime.tokenizer.Tokenizers;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One loaded sentence-embedding model: its tokenizer, its ONNX session and its pooling. {@link #embed} takes a batch of
 * texts all the way to pooled vectors: it tokenizes (with the prefix each text's type calls for), groups texts of
 * similar length, pads, runs and pools. Batching across requests and normalisation belong to the caller, so the
 * benchmark can drive this class directly as the in-process baseline.
 */
public final class EmbeddingModel implements ServedModel {

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    /**
     * What one extra model run costs, in padded tokens. Splitting a batch saves padding but pays this per run; the value
     * comes from this model class on CPU (about 1.2 ms fixed per run against 0.14 ms per token row).
     */
    static final int RUN_COST_TOKENS = 12;

    /**
     * One text to embed.
     *
     * @param text the text, without prefix
     * @param type what it is for, which selects the prefix
     */
    public record Input(String text, InputType type) {}

    /**
     * One text's pooled vector.
     *
     * @param vector the pooled vector, not normalised
     * @param tokens tokens the model read, prefix and special tokens included
     * @param truncated whether the text was cut to the token limit
     */
    public record Output(float[] vector, int tokens, boolean truncated) {}

    /**
     * One text as the model reads it.
     *
     * @param ids token ids, special tokens included
     * @param truncated whether the text was cut to the token limit
     */
    private record Encoded(long[] ids, boolean truncated) {}

    private final LoadedModel loaded;
    private final EmbeddingSpec spec;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final boolean typeIds;
    private final int maxRunTokens;

    EmbeddingModel(
            LoadedModel loaded,
            EmbeddingSpec spec,
            HuggingFaceTokenizer tokenizer,
            OrtEnvironment env,
            int maxRunTokens) {
        if (maxRunTokens < loaded.manifest().limits().maxTokens()) {
            throw new ModelLoadException("tessera.mlm.max-run-tokens (" + maxRunTokens + ") is less than model '"
                    + loaded.manifest().name() + "' reads from one input ("
                    + loaded.manifest().limits().maxTokens() + " tokens)");
        }
        this.maxRunTokens = maxRunTokens;
        this.loaded = loaded;
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.env = env;
        this.typeIds = loaded.inputs().containsKey(TOKEN_TYPE_IDS);
        check();
    }

    /**
     * Locates, verifies and opens a model by name, as tools and tests outside a service do, with the service's
     * default run budget.
     */
    public static EmbeddingModel load(String name, ModelLocator locator, OnnxEngine engine) {
        return open(locator.locate(name), engine, DEFAULT_MAX_RUN_TOKENS);
    }

    /** The default of {@code tessera.mlm.max-run-tokens}, for tools that open a model without the service. */
    public static final int DEFAULT_MAX_RUN_TOKENS = 4096;

    /**
     * Verifies and opens a located model: its {@code mlm} manifest section, tokenizer and session.
     *
     * @param maxRunTokens the most tokens, padding included, one ONNX Runtime run may hold
     */
    public static EmbeddingModel open(ModelLocator.LocatedModel located, OnnxEngine engine, int maxRunTokens) {
        String name = located.manifest().name();
        if (!EmbeddingConfig.FAMILY.equals(located.manifest().family())) {
            throw new ModelLoadException(
                    "model '" + name + "' is a '" + located.manifest().family() + "' model, not an embedding ('"
                            + EmbeddingConfig.FAMILY + "') model");
        }
        EmbeddingSpec spec = located.manifest().familySection(EmbeddingSpec.class);
        HuggingFaceTokenizer tokenizer =
                Tokenizers.load(located, located.manifest().limits().maxTokens());
        OrtSession session = engine.open(located);
        try {
            return new EmbeddingModel(
                    LoadedModel.of(located.manifest(), session), spec, tokenizer, engine.environment(), maxRunTokens);
        } catch (RuntimeException e) {
            throw Resources.closeAfter(e, tokenizer, session);
        }
    }

    private void check() {
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!loaded.inputs().containsKey(required)) {
                throw new ModelLoadException("embedding model '" + name() + "' has no '" + required + "' input");
            }
        }
        TensorInfo out = loaded.outputs().get(spec.output());
        if (out == null) {
            throw new ModelLoadException("embedding model '" + name() + "' has no output '" + spec.output()
                    + "'; it has " + loaded.outputs().keySet());
        }
        long[] shape = out.getShape();
        if (shape.length != 3 || (shape[2] > 0 && shape[2] != spec.dimension())) {
            throw new ModelLoadException("output '" + spec.output() + "' of model '" + name()
                    + "' must be [batch, tokens, " + spec.dimension() + "]");
        }
    }

    @Override
    public LoadedModel loaded() {
        return loaded;
    }

    public EmbeddingSpec spec() {
        return spec;
    }

    public int maxTokens() {
        return loaded.manifest().limits().maxTokens();
    }

    /**
     * The characters tokenized first, per token the model reads: a text longer than this is tokenized from a prefix
     * cut at a space, which at 512 tokens is 8,192 characters, so a 32,768-character input truncated to the model's
     * limit costs a quarter of the tokenizing.
     */
    static final int PREFIX_CHARS_PER_TOKEN = 16;

    /**
     * A run of at least this many tokens (padding included) hands the arena memory it grew back to the system when it
     * ends. ONNX Runtime's CPU arena otherwise keeps its peak for good, so one burst of long inputs would pin hundreds
     * of megabytes; short runs, the common case, keep the arena warm and pay nothing.
     */
    static final int SHRINK_AFTER_TOKENS = 2048;

    /**
     * Tokenizes a text with the prefix its input type calls for, cut to the token limit. A long text is tokenized
     * from a prefix ending at a space first; when that prefix already holds more tokens than the model reads, its
     * truncated ids are those of the whole text (words are tokenized apart), so the rest is never read. Otherwise
     * (very long words), the whole text is tokenized.
     */
    private Encoded encode(String text, InputType type) {
        String full = spec.prefixes().of(type) + text;
        int budget = maxTokens() * PREFIX_CHARS_PER_TOKEN;
        if (full.length() > budget) {
            int cut = full.lastIndexOf(' ', budget);
            if (cut > budget / 2) {
                Encoding head = tokenizer.encode(full.substring(0, cut));
                if (head.exceedMaxLength()) {
                    return new Encoded(head.getIds(), true);
                }
            }
        }
        Encoding encoding = tokenizer.encode(full);
        return new Encoded(encoding.getIds(), encoding.exceedMaxLength());
    }

    /**
     * Tokenizes and embeds a batch of texts, answering in input order. This is the batch function the service's
     * micro-batcher calls, so tokenizing happens on the batcher's thread rather than on the gRPC event loop.
     *
     * @throws OrtException when ONNX Runtime fails
     */
    public List<Output> embed(List<Input> inputs) throws OrtException {
        List<Encoded> encoded = new ArrayList<>(inputs.size());
        for (Input input : inputs) {
            encoded.add(encode(input.text(), input.type()));
        }
        List<float[]> vectors = run(encoded);
        List<Output> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            out.add(new Output(
                    vectors.get(i), encoded.get(i).ids().length, encoded.get(i).truncated()));
        }
        return out;
    }

    /**
     * Runs a batch and pools each row; vectors are not normalised. Texts are sorted by length and run in groups of
     * similar length, so that short texts do not pay for padding to the longest: padding, not batch size, is what
     * costs most when lengths are mixed. Where to cut is chosen by {@link #groupEnds}, trading padding against the
     * fixed cost of each extra run.
     *
     * @throws OrtException when ONNX Runtime fails
     */
    private List<float[]> run(List<Encoded> batch) throws OrtException {
        int n = batch.size();
        if (n <= 1) {
            return runPadded(batch);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> batch.get(i).ids().length));
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = batch.get(order[i]).ids().length;
        }
        float[][] out = new float[n][];
        int start = 0;
        for (int end : runEnds(lengths, RUN_COST_TOKENS, maxRunTokens)) {
            List<Encoded> group = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                group.add(batch.get(order[i]));
            }
            List<float[]> pooled = runPadded(group);
            for (int i = start; i < end; i++) {
                out[order[i]] = pooled.get(i - start);
            }
            start = end;
        }
        return Arrays.asList(out);
    }

    /**
     * The groups of {@link #groupEnds}, each split further so that no run holds more than {@code maxRunTokens} tokens,
     * padding included (its rows times its longest length).
     */
    static List<Integer> runEnds(int[] sortedLengths, int runCost, int maxRunTokens) {
        List<Integer> ends = new ArrayList<>();
        int start = 0;
        for (int end : groupEnds(sortedLengths, runCost)) {
            int rows = Math.max(1, maxRunTokens / Math.max(1, sortedLengths[end - 1]));
            for (int cut = start + rows; cut < end; cut += rows) {
                ends.add(cut);
            }
            ends.add(end);
            start = end;
        }
        return ends;
    }

    /**
     * Splits lengths sorted ascending into consecutive groups so that the padded tokens of all groups plus
     * {@code runCost} per group is least: a small dynamic program over at most a batch's worth of texts.
     *
     * @return the exclusive end index of each group, ascending
     */
    static List<Integer> groupEnds(int[] sortedLengths, int runCost) {
        int n = sortedLengths.length;
        long[] best = new long[n + 1];
        int[] cut = new int[n + 1];
        for (int end = 1; end <= n; end++) {
            best[end] = Long.MAX_VALUE;
            for (int start = 0; start < end; start++) {
                long cost = best[start] + runCost + (long) (end - start) * sortedLengths[end - 1];
                if (cost < best[end]) {
                    best[end] = cost;
                    cut[end] = start;
                }
            }
        }
        List<Integer> ends = new ArrayList<>();
        for (int end = n; end > 0; end = cut[end]) {
            ends.add(0, end);
        }
        return ends;
    }

    /** Runs one padded batch as is. */
    private List<float[]> runPadded(List<Encoded> batch) throws OrtException {
        int rows = batch.size();
        int width = batch.stream().mapToInt(e -> e.ids().length).max().orElse(0);
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            long[] row = batch.get(r).ids();
            System.arraycopy(row, 0, ids, r * width, row.length);
            for (int c = 0; c < row.length; c++) {
                mask[r * width + c] = 1;
            }
        }
        long[] shape = {rows, width};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (typeIds) {
                inputs.put(
                        TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * width]), shape));
            }
            if ((long) rows * width < SHRINK_AFTER_TOKENS) {
                try (OrtSession.Result result = loaded.session().run(inputs, Set.of(spec.output()))) {
                    return pool(((OnnxTensor) result.get(0)).getFloatBuffer(), mask, rows, width);
                }
            }
            try (OrtSession.RunOptions shrink = new OrtSession.RunOptions()) {
                shrink.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
                try (OrtSession.Result result = loaded.session().run(inputs, Set.of(spec.output()), shrink)) {
                    return pool(((OnnxTensor) result.get(0)).getFloatBuffer(), mask, rows, width);
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private List<float[]> pool(FloatBuffer states, long[] mask, int rows, int width) {
        int dim = spec.dimension();
        List<float[]> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            float[] v = new float[dim];
            if (spec.pooling() == EmbeddingSpec.Pooling.cls) {
                states.get(r * width * dim, v);
            } else {
                int count = 0;
                for (int c = 0; c < width; c++) {
                    if (mask[r * width + c] == 0) {
                        continue;
                    }
                    int base = (r * width + c) * dim;
                    for (int d = 0; d < dim; d++) {
                        v[d] += states.get(base + d);
                    }
                    count++;
                }
                for (int d = 0; d < dim; d++) {
                    v[d] /= Math.max(count, 1);
                }
            }
            out.add(v);
        }
        return out;
    }

    /** Scales a vector to unit length in place; a zero vector stays zero. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    /** Releases the tokenizer's and the session's native memory; this model is the session's only owner. */
    @Override
    public void close() {
        tokenizer.close();
        loaded.closeSession();
    }
}
