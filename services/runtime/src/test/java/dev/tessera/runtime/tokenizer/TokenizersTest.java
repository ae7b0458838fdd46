package dev.tessera.runtime.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.util.Utils;
import org.junit.jupiter.api.Test;

class TokenizersTest {

    @Test
    void forces_djl_offline_and_opts_out_of_its_telemetry_call() {
        System.clearProperty("ai.djl.offline");
        System.clearProperty("OPT_OUT_TRACKING");
        Tokenizers.forceOffline();
        // DJL checks exactly these before any hub download or EC2 metadata call
        assertThat(Utils.isOfflineMode()).isTrue();
        assertThat(Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING")).isEqualTo("true");
    }
}
