package dev.tessera.textgen.decoding;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tessera.runtime.engine.LoadedModel;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.engine.Resources;
import dev.tessera.runtime.model.ModelLoadException;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.runtime.serving.ServedModel;
import dev.tessera.runtime.tokenizer.Tokenizers;
import dev.tessera.textgen.decoding.schema.JsonConstraint;
import dev.tessera.textgen.decoding.schema.Schema;
import dev.tessera.textgen.decoding.schema.TokenTrie;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A decoder model ready to generate: session, tokenizer and manifest spec together, and the decode loop that the
 * LLM, SLM and MoE services share. The loop prefills the prompt once, then feeds one token per step against the KV
 * cache, and checks for cancellation and the deadline between steps; its tensors are freed however it ends.
 */
public final class TextGenerationModel implements ServedModel {

    private final LoadedModel loaded;
    private final DecoderModel decoder;
    private final TextTokenizer tokenizer;
    private final GenerationSpec spec;
    private final int contextLength;
    private final int callToken;
    private final int[] stopTokens;
    private volatile TokenTrie vocabulary;
    private final Map<String, JsonConstraint> constraints =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, JsonConstraint> eldest) {
                    return size() > MAX_CACHED_SCHEMAS;
                }
            });

    /** Compiled schemas kept per model, most recently used first; tool sets repeat across requests. */
    static final int MAX_CACHED_SCHEMAS = 64;

    TextGenerationModel(
            LoadedModel loaded, DecoderModel decoder, TextTokenizer tokenizer, GenerationSpec spec, int contextLength) {
        this.loaded = loaded;
        this.decoder = decoder;
        this.tokenizer = tokenizer;
        this.spec = spec;
        this.contextLength = contextLength;
        this.stopTokens = spec.stopTokens().stream().mapToInt(Integer::intValue).toArray();
        this.callToken = spec.supportsTools() ? callToken(tokenizer, spec, loaded.name()) : -1;
    }

    private static int callToken(TextTokenizer tokenizer, GenerationSpec spec, String name) {
        int[] ids = tokenizer.encode(spec.tools().callToken());
        if (ids.length != 1 || tokenizer.tokenBytes(ids[0]) != null) {
            throw new ModelLoadException("model '" + name + "': textgen.tools.callToken '"
                    + spec.tools().callToken() + "' must be one special token of the tokenizer, but encodes as "
                    + Arrays.toString(ids));
        }
        return ids[0];
    }

    /** Locates, verifies and opens a model by name, as tools and tests outside a service do. */
    public static TextGenerationModel load(String name, ModelLocator locator, OnnxEngine engine) {
        return open(locator.locate(name), engine);
    }

    /** Verifies and opens a located model: its {@code textgen} manifest section, session and tokenizer. */
    public static TextGenerationModel open(ModelLocator.LocatedModel located, OnnxEngine engine) {
        String name = located.manifest().name();
        GenerationSpec spec = located.manifest().familySection(GenerationSpec.class);
        int context = located.manifest().limits() == null
                ? 0
                : located.manifest().limits().maxTokens();
        if (context <= 1) {
            throw new ModelLoadException("manifest of model '" + name + "' must give limits.maxTokens, its context");
        }
        OrtSession session = engine.open(located);
        TextTokenizer tokenizer = null;
        try {
            DecoderModel decoder = DecoderModel.of(engine.environment(), session, name);
            tokenizer = tokenizer(located, spec, decoder.vocabSize());
            if (tokenizer.vocabSize() > decoder.vocabSize()) {
                throw new ModelLoadException("model '" + name + "': tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the logits only " + decoder.vocabSize());
            }
            TextGenerationModel model = new TextGenerationModel(
                    LoadedModel.of(located.manifest(), session), decoder, tokenizer, spec, context);
            model.vocabulary(); // built now, so that no request pays for it
            return model;
        } catch (RuntimeException e) {
            throw Resources.closeAfter(e, tokenizer, session);
        }
    }

    private static TextTokenizer tokenizer(ModelLocator.LocatedModel located, GenerationSpec spec, int vocab) {
        String name = located.manifest().name();
        byte[] file = located.readVerified("tokenizer");
        try {
            return switch (spec.tokenizer()) {
                case "llama2c" -> Llama2cTokenizer.read(file);
                case "huggingface" ->
                    new HuggingFaceTextTokenizer(
                            Tokenizers.create(
                                    name,
                                    file,
                                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false")),
                            vocab,
                            file);
                default ->
                    throw new ModelLoadException("model '" + name + "': unknown textgen.tokenizer '" + spec.tokenizer()
                            + "' (llama2c or huggingface)");
            };
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException("cannot load tokenizer of model '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public LoadedModel loaded() {
        return loaded;
    }

    public GenerationSpec spec() {
        return spec;
    }

    /** The most positions a sequence may use, prompt and completion together. */
    public int contextLength() {
        return contextLength;
    }

    /** Renders and tokenizes a conversation, BOS included when the model wants it. */
    public int[] prompt(List<ChatMessage> messages) {
        return prompt(messages, List.of());
    }

    /** Renders and tokenizes a conversation with the names of the tools offered, BOS included. */
    public int[] prompt(List<ChatMessage> messages, List<String> toolNames) {
        int[] body = tokenizer.encode(spec.template().render(messages, toolNames));
        if (!spec.addBos()) {
            return body;
        }
        int[] out = new int[body.length + 1];
        out[0] = spec.bos();
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /**
     * Generates after {@code prompt}, calling {@code onText} with each piece of text as soon as it is final (never a
     * split character, never part of a stop sequence). Runs on the calling thread until a stop token or sequence,
     * {@code maxTokens}, the context length, cancellation or the deadline.
     *
     * @throws IllegalArgumentException when the prompt leaves no room to generate
     */
    public GenerationResult generate(
            int[] prompt, GenerationParams params, Consumer<String> onText, BooleanSupplier cancelled)
            throws OrtException {
        Sequence sequence = sequence(prompt, params, onText, cancelled);
        try (DecoderModel.KvCache cache = decoder.newCache()) {
            long t0 = System.nanoTime();
            float[] logits = decoder.forward(prompt, cache);
            sequence.addCompute(System.nanoTime() - t0);
            int next;
            while ((next = sequence.next(logits)) >= 0) {
                t0 = System.nanoTime();
                logits = decoder.forward(new int[] {next}, cache);
                sequence.addCompute(System.nanoTime() - t0);
            }
        }
        return sequence.result();
    }

    /**
     * Starts a generation whose decode steps are shared with the model's other generations: the prompt is prefilled
     * and the first token sampled on the calling thread, then the sequence joins {@code batcher}. The result
     * completes {@code done}, on the batcher's thread, when the generation ends.
     */
    void generateBatched(
            int[] prompt,
            GenerationParams params,
            Consumer<String> onText,
            BooleanSupplier cancelled,
            CompletableFuture<GenerationResult> done,
            BatchDecoder batcher)
            throws OrtException {
        Sequence sequence = sequence(prompt, params, onText, cancelled);
        DecoderModel.KvCache cache = decoder.newCache();
        try {
            long t0 = System.nanoTime();
            float[] logits = decoder.forward(prompt, cache);
            sequence.addCompute(System.nanoTime() - t0);
            int next = sequence.next(logits);
            if (next < 0) {
                cache.close();
                done.complete(sequence.result());
                return;
            }
            batcher.join(sequence, cache, next, done);
        } catch (OrtException | RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    private Sequence sequence(
            int[] prompt, GenerationParams params, Consumer<String> onText, BooleanSupplier cancelled) {
        if (prompt.length == 0 || prompt.length >= contextLength) {
            throw new IllegalArgumentException(
                    "prompt has " + prompt.length + " tokens; the context holds " + contextLength);
        }
        StructuredOutput structure =
                params.format().constrained() || (params.format().toolCalls() != null)
                        ? new StructuredOutput(params.format(), tokenizer, callToken, stopTokens, decoder.vocabSize())
                        : null;
        if (structure != null && params.format().toolCalls() != null && callToken < 0) {
            throw new IllegalArgumentException("model '" + name() + "' was not trained to call tools");
        }
        return new Sequence(spec, tokenizer, prompt, contextLength, params, structure, onText, cancelled);
    }

    /**
     * The constraint for {@code schema} over this model's vocabulary, reused while the same {@code key} (the
     * schema's text) keeps coming back, so that its cached masks outlive one request.
     */
    public JsonConstraint constraint(String key, Supplier<Schema> schema) {
        JsonConstraint hit = constraints.get(key);
        if (hit != null) {
            return hit;
        }
        JsonConstraint made = new JsonConstraint(schema.get(), vocabulary());
        constraints.put(key, made);
        return made;
    }

    /** The vocabulary as a byte trie, built on first use by structured output. */
    public TokenTrie vocabulary() {
        TokenTrie v = vocabulary;
        if (v == null) {
            synchronized (this) {
                v = vocabulary;
                if (v == null) {
                    byte[][] bytes = new byte[decoder.vocabSize()][];
                    for (int id = 0; id < tokenizer.vocabSize(); id++) {
                        bytes[id] = tokenizer.tokenBytes(id);
                    }
                    vocabulary = v = new TokenTrie(bytes);
                }
            }
        }
        return v;
    }

    /** The logits after {@code ids}, from an empty cache: for parity checks and benchmarks. */
    public float[] logits(int[] ids) throws OrtException {
        try (DecoderModel.KvCache cache = decoder.newCache()) {
            return decoder.forward(ids, cache);
        }
    }

    /**
     * The logits after every position of {@code ids} in one pass from an empty cache: for scoring a fixed
     * continuation (agreement and distillation checks) without sampling.
     */
    public float[][] logitsPerPosition(int[] ids) throws OrtException {
        try (DecoderModel.KvCache cache = decoder.newCache()) {
            return decoder.forwardAll(ids, cache);
        }
    }

    /** Tokenizes text as the prompt path does, without template or BOS. */
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    public DecoderModel decoder() {
        return decoder;
    }

    /** Frees the tokenizer and the session; this model is the session's only owner. */
    @Override
    public void close() {
        tokenizer.close();
        loaded.closeSession();
    }
}
