package dev.tessera.runtime.engine;

/**
 * How ONNX Runtime sessions are built. A plain record so that tools (the benchmark) can build an engine without CDI.
 *
 * @param provider the execution provider asked for
 * @param allowCpuFallback run on CPU when CUDA was asked for but is missing, instead of refusing
 * @param cudaDeviceId the CUDA device to use
 * @param intraOpThreads threads per inference, 0 for ONNX Runtime's choice
 * @param interOpThreads threads for parallel graph branches
 * @param optimization graph optimisation level
 * @param allowSpinning whether idle ONNX Runtime threads spin instead of sleeping
 * @param cpuArena whether CPU sessions keep freed buffers in ONNX Runtime's arena
 */
public record EngineSettings(
        Provider provider,
        boolean allowCpuFallback,
        int cudaDeviceId,
        int intraOpThreads,
        int interOpThreads,
        Optimization optimization,
        boolean allowSpinning,
        boolean cpuArena) {

    /** Plain CPU settings with ONNX Runtime's thread defaults. */
    public static EngineSettings cpu() {
        return new EngineSettings(Provider.cpu, false, 0, 0, 1, Optimization.all, false, true);
    }

    /** Execution providers the runtime can select. */
    public enum Provider {
        cpu,
        cuda
    }

    /** Graph optimisation levels, named as in ONNX Runtime's documentation. */
    public enum Optimization {
        none,
        basic,
        extended,
        all
    }
}
