package dev.tessera.textgen.config;

import dev.tessera.runtime.serving.FamilyConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Settings of a text-generation service (llm, slm, moe), under {@code tessera.textgen}: the models and default it
 * shares in shape with every family ({@link FamilyConfig}), concurrency, decode batching and request limits.
 */
@ConfigMapping(prefix = "tessera." + TextGenerationConfig.FAMILY)
public interface TextGenerationConfig extends FamilyConfig {

    /**
     * The family's one name: directory {@code services/textgen}, config {@code tessera.textgen}, manifest family
     * {@code textgen}, contract {@code tessera.textgen.v1}.
     */
    String FAMILY = "textgen";

    /**
     * Generations that may run at once; one more is refused with {@code RESOURCE_EXHAUSTED}. Each runs on its own
     * thread with {@code tessera.runtime.intra-op-threads} ONNX Runtime threads, so keep the product near the pod's
     * CPU count.
     */
    @WithDefault("4")
    int maxConcurrent();

    /** Whether and how a model's concurrent generations share their decode steps. */
    Batching batching();

    /** Decode batching, under {@code tessera.textgen.batching}, the key shape every family's batching group has. */
    interface Batching {

        /**
         * Whether a model's concurrent generations share their decode steps (one model call per step for all of
         * them). At small batch a decode step costs what its weights cost to read, so sharing it multiplies
         * throughput under load; off, each generation decodes alone on its own thread.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /**
     * The deadline of a unary {@code Generate} that carries none (no gRPC deadline, no {@code deadline_unix_ms}). A
     * client that cancels or resets its call stops the generation at once; this bounds the rest, a client that hangs
     * without closing its connection, so one cannot hold a slot for ever.
     */
    @WithDefault("120s")
    Duration unaryDeadline();

    /** {@code max_tokens} when a request gives none. */
    @WithDefault("256")
    int defaultMaxTokens();

    /** The largest {@code max_tokens} a request may ask for; the model's context may end a generation sooner. */
    @WithDefault("1024")
    int maxTokensLimit();

    /** The most messages one request may carry. */
    @WithDefault("256")
    int maxMessages();

    /**
     * The most characters all messages may have together. Tokenizing comes before the context check, so this bounds
     * the work a request can cause before it is refused.
     */
    @WithDefault("65536")
    int maxPromptChars();

    /** The most stop sequences per request. */
    @WithDefault("4")
    int maxStopSequences();

    /** The longest stop sequence, in characters. */
    @WithDefault("64")
    int maxStopChars();

    /** Most tools one request may offer; each adds its name to the prompt and its schema to the tool-call grammar. */
    @WithDefault("32")
    int maxTools();

    /** Longest JSON Schema accepted, in characters, for a tool's parameters or a response format. */
    @WithDefault("16384")
    int maxSchemaChars();

    /**
     * The largest {@code sampling.top_k} accepted. Top-k keeps a heap of k candidates per token, so this bounds the
     * sampling work one request can ask for; no vocabulary served here is larger.
     */
    @WithDefault("100000")
    int maxTopK();
}
