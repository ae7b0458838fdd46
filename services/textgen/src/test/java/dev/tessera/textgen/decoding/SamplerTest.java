package dev.tessera.textgen.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 3.0f, 2.5f, -1.0f, 0.5f};

    @Test
    void greedy_takes_the_highest_logit_and_the_lowest_id_on_ties() {
        assertThat(new Sampler(SamplingParams.GREEDY).sample(LOGITS)).isEqualTo(1);
    }

    @Test
    void one_seed_gives_one_sequence_of_draws() {
        SamplingParams params = new SamplingParams(1.0f, 0.9f, 0, 42L);
        Sampler a = new Sampler(params);
        Sampler b = new Sampler(params);
        for (int i = 0; i < 50; i++) {
            assertThat(a.sample(LOGITS)).isEqualTo(b.sample(LOGITS));
        }
    }

    @Test
    void top_k_of_one_and_a_tiny_top_p_are_greedy() {
        Sampler k1 = new Sampler(new SamplingParams(1.5f, 1f, 1, 7L));
        Sampler p = new Sampler(new SamplingParams(1.5f, 0.01f, 0, 7L));
        for (int i = 0; i < 20; i++) {
            assertThat(k1.sample(LOGITS)).isEqualTo(1);
            assertThat(p.sample(LOGITS)).isEqualTo(1);
        }
    }

    @Test
    void top_k_never_draws_outside_the_k_most_likely() {
        Sampler sampler = new Sampler(new SamplingParams(5f, 1f, 3, 1L));
        for (int i = 0; i < 500; i++) {
            assertThat(sampler.sample(LOGITS)).isIn(1, 2, 3);
        }
    }

    @Test
    void draws_follow_the_softmax_at_temperature_one() {
        float[] logits = {0f, (float) Math.log(3)}; // probabilities 0.25 and 0.75
        Sampler sampler = new Sampler(new SamplingParams(1f, 1f, 0, 123L));
        int ones = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            ones += sampler.sample(logits);
        }
        assertThat(ones / (double) n).isBetween(0.73, 0.77);
    }

    @Test
    void reports_the_log_probability_of_the_pick_under_the_model() {
        Sampler sampler = new Sampler(SamplingParams.GREEDY);
        sampler.sample(new float[] {0f, (float) Math.log(3)});
        assertThat(sampler.lastLogprob()).isCloseTo(Math.log(0.75), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void refuses_parameters_outside_their_range() {
        assertThatThrownBy(() -> new SamplingParams(-0.1f, 1f, 0, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(Float.NaN, 1f, 0, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1f, 0f, 0, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1f, 1.01f, 0, 0)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1f, 1f, -1, 0)).hasMessageContaining("top_k");
    }
}
