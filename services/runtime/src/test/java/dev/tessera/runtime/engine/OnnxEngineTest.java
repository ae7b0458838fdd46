package dev.tessera.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtProvider;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class OnnxEngineTest {

    private static EngineSettings cuda(boolean fallback) {
        return new EngineSettings(
                EngineSettings.Provider.cuda, fallback, 0, 0, 1, EngineSettings.Optimization.all, false, true);
    }

    @Test
    void refuses_cuda_where_the_build_has_no_cuda_provider_and_says_what_to_change() {
        assertThatThrownBy(() -> OnnxEngine.resolveProvider(cuda(false), EnumSet.of(OrtProvider.CPU)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("execution-provider=cuda")
                .hasMessageContaining("'gpu' Maven profile")
                .hasMessageContaining("allow-cpu-fallback=true");
    }

    @Test
    void falls_back_to_cpu_only_when_allowed() {
        assertThat(OnnxEngine.resolveProvider(cuda(true), EnumSet.of(OrtProvider.CPU)))
                .isEqualTo(EngineSettings.Provider.cpu);
    }

    @Test
    void selects_cuda_when_the_provider_is_available() {
        assertThat(OnnxEngine.resolveProvider(cuda(false), EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA)))
                .isEqualTo(EngineSettings.Provider.cuda);
    }

    @Test
    void the_cpu_build_runs_on_cpu() {
        assertThat(new OnnxEngine(EngineSettings.cpu()).activeProvider()).isEqualTo(EngineSettings.Provider.cpu);
    }
}
