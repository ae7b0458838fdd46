package dev.tessera.runtime.config;

import dev.tessera.runtime.engine.EngineSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Settings shared by every model service, under {@code tessera.runtime}. */
@ConfigMapping(prefix = "tessera.runtime")
public interface RuntimeConfig {

    /**
     * Which hardware runs the models. {@code cuda} needs the {@code onnxruntime_gpu} artifact (the {@code gpu} Maven
     * profile) and a CUDA device; without them the service refuses to start unless {@link #allowCpuFallback()}.
     */
    @WithDefault("cpu")
    EngineSettings.Provider executionProvider();

    /** Lets a service asked for CUDA run on CPU instead of refusing to start, for mixed node pools. */
    @WithDefault("false")
    boolean allowCpuFallback();

    /** Which CUDA device to use when several are visible. */
    @WithDefault("0")
    int cudaDeviceId();

    /**
     * Threads one inference may use. 0 lets ONNX Runtime pick one per physical core, which is right when the service
     * has the node (or its CPU limit) to itself.
     */
    @WithDefault("0")
    int intraOpThreads();

    /** Threads for running independent graph branches in parallel; 1 suits the encoder and decoder graphs we serve. */
    @WithDefault("1")
    int interOpThreads();

    /** How much ONNX Runtime rewrites the graph at load. {@code all} is fastest; lower it only to debug a model. */
    @WithDefault("all")
    EngineSettings.Optimization optimizationLevel();

    /**
     * Whether ONNX Runtime's idle pool threads spin waiting for work. Spinning shaves microseconds off back-to-back
     * runs but burns the cores that gRPC and tokenization need in a service, so it is off by default.
     */
    @WithDefault("false")
    boolean allowSpinning();

    /**
     * Whether CPU sessions keep freed buffers in ONNX Runtime's arena for reuse. On is faster and, measured on the MLM,
     * also smaller: without the arena, concurrent runs fragment the C allocator (after a burst of the largest requests,
     * 1.45 GB resident against 0.56 GB with the arena and shrinkage after large runs; services/mlm/README.md).
     */
    @WithDefault("true")
    boolean cpuArena();

    /**
     * A directory with one folder per model ({@code <dir>/<name>/manifest.json}). Models found there win over model
     * jars of the same name, so an operator can mount a different model without rebuilding the image.
     */
    Optional<Path> modelDir();

    /** The KServe Open Inference Protocol endpoint. */
    Oip oip();

    /** Limits of the OIP v2 endpoint, which runs raw tensors without the family's batching. */
    interface Oip {

        /** Calls to ModelInfer that may run at once; more answer RESOURCE_EXHAUSTED instead of piling up. */
        @WithDefault("4")
        int maxConcurrent();

        /** The most elements one input tensor may have, so a single request cannot exhaust memory. */
        @WithDefault("16777216")
        long maxElements();
    }

    /** The engine settings these keys describe. */
    default EngineSettings engineSettings() {
        return new EngineSettings(
                executionProvider(),
                allowCpuFallback(),
                cudaDeviceId(),
                intraOpThreads(),
                interOpThreads(),
                optimizationLevel(),
                allowSpinning(),
                cpuArena());
    }
}
