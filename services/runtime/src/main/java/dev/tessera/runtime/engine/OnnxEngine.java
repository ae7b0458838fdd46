package dev.tessera.runtime.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.tessera.runtime.model.ModelLoadException;
import dev.tessera.runtime.model.ModelLocator;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Builds every ONNX Runtime session of a process from one {@link OrtEnvironment}, with threads, graph optimisation and
 * execution provider taken from {@link EngineSettings}. Asking for CUDA where it cannot run fails here, at startup,
 * with a message that says what to change, unless CPU fallback is allowed.
 */
public final class OnnxEngine {

    private static final Logger LOG = Logger.getLogger(OnnxEngine.class);

    private final OrtEnvironment env;
    private final EngineSettings settings;
    private volatile EngineSettings.Provider active;

    public OnnxEngine(EngineSettings settings) {
        this.env = OrtEnvironment.getEnvironment();
        this.settings = settings;
        this.active = resolveProvider(settings, OrtEnvironment.getAvailableProviders());
    }

    static EngineSettings.Provider resolveProvider(EngineSettings settings, EnumSet<OrtProvider> available) {
        if (settings.provider() == EngineSettings.Provider.cpu) {
            return EngineSettings.Provider.cpu;
        }
        if (available.contains(OrtProvider.CUDA)) {
            return EngineSettings.Provider.cuda;
        }
        String why = "tessera.runtime.execution-provider=cuda, but this ONNX Runtime build offers only " + available
                + ". Build with the 'gpu' Maven profile (onnxruntime_gpu) and run on a node with a CUDA device";
        if (settings.allowCpuFallback()) {
            LOG.warn(why + "; falling back to CPU because tessera.runtime.allow-cpu-fallback=true");
            return EngineSettings.Provider.cpu;
        }
        throw new IllegalStateException(why + ", or set tessera.runtime.allow-cpu-fallback=true to run on CPU.");
    }

    public OrtEnvironment environment() {
        return env;
    }

    /** The provider sessions actually run on, after any fallback. */
    public EngineSettings.Provider activeProvider() {
        return active;
    }

    /** Opens a session on a model's verified ONNX file (the manifest's {@code model} file). */
    public OrtSession open(ModelLocator.LocatedModel model) {
        String name = model.manifest().name();
        try {
            Optional<Path> local = model.verifiedLocalPath("model");
            byte[] bytes = local.isPresent() ? null : model.readVerified("model");
            try {
                return create(local, bytes, active);
            } catch (OrtException e) {
                if (active == EngineSettings.Provider.cuda && settings.allowCpuFallback()) {
                    LOG.warnf(e, "model '%s' could not start on CUDA; falling back to CPU", name);
                    active = EngineSettings.Provider.cpu;
                    return create(local, bytes, active);
                }
                throw e;
            }
        } catch (OrtException e) {
            String hint = active == EngineSettings.Provider.cuda
                    ? " (CUDA was asked for: check the driver, the CUDA and cuDNN libraries, and the device id)"
                    : "";
            throw new ModelLoadException("ONNX Runtime cannot load model '" + name + "': " + e.getMessage() + hint, e);
        }
    }

    private OrtSession create(Optional<Path> local, byte[] bytes, EngineSettings.Provider provider)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(settings.interOpThreads());
            options.setOptimizationLevel(
                    switch (settings.optimization()) {
                        case none -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                        case basic -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                        case extended -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                        case all -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
                    });
            options.setCPUArenaAllocator(settings.cpuArena());
            String spin = settings.allowSpinning() ? "1" : "0";
            options.addConfigEntry("session.intra_op.allow_spinning", spin);
            options.addConfigEntry("session.inter_op.allow_spinning", spin);
            if (provider == EngineSettings.Provider.cuda) {
                options.addCUDA(settings.cudaDeviceId());
            }
            return local.isPresent()
                    ? env.createSession(local.get().toString(), options)
                    : env.createSession(bytes, options);
        }
    }
}
