package dev.tessera.orchestrator.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.platform.usage.Usage;
import org.junit.jupiter.api.Test;

class PricesTest {

    @Test
    void each_rule_is_exact_in_integers_and_rounded_up_to_a_whole_micro_dollar() {
        Prices p = new Prices(150, 600, 7, 1_000, 2_000, 300);
        // 1,234 input tokens at 150/1k = 185.1 -> 186; 10 output at 600/1k = 6; 3 items = 21; 1,500 ms at 1,000/s =
        // 1,500; 2 images = 4,000; 1.5 megapixels at 300 = 450
        assertThat(p.cost(new Usage(1_234, 10, 3, 1_500, 2, 1_500_000))).isEqualTo(186 + 6 + 21 + 1_500 + 4_000 + 450);
        assertThat(p.cost(new Usage(1, 0, 0, 0, 0, 0))).isEqualTo(1);
        assertThat(p.cost(new Usage(0, 0, 0, 0, 0, 0))).isZero();
        assertThat(p.exactPicos(new Usage(1_234, 0, 0, 0, 0, 0))).isEqualTo(185_100_000L);
    }

    @Test
    void negative_prices_are_refused_and_huge_usage_does_not_wrap() {
        assertThatThrownBy(() -> new Prices(-1, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        Prices p = new Prices(Long.MAX_VALUE / 2, 0, 0, 0, 0, 0);
        assertThat(p.exactPicos(new Usage(1_000, 0, 0, 0, 0, 0))).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> p.cost(new Usage(1_000, 0, 0, 0, 0, 0))).isInstanceOf(ArithmeticException.class);
    }
}
