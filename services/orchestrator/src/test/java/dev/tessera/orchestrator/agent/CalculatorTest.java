package dev.tessera.orchestrator.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalculatorTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "12 * 7 | 84",
                "0.1 + 0.2 | 0.3",
                "15% * 240 | 36",
                "240 * 15% | 36",
                "12.5 * 3.2 | 40",
                "(3 + 4) * 2 | 14",
                "3 + 4 * 2 | 11",
                "2 ^ 10 | 1024",
                "2 ^ 3 ^ 2 | 512",
                "2 ^ -2 | 0.25",
                "-3 * -3 | 9",
                "10 / 4 | 2.5",
                "1 / 3 | 0.3333333333333333333333333333333333",
                "1,250 + 750 | 2000",
                "12 x 7 | 84",
                "12×7 | 84",
                "84 ÷ 7 | 12",
                "100 - 25% * 100 | 75",
                "((((1)))) | 1",
            })
    void evaluates_exactly(String expression, String expected) {
        assertThat(Calculator.format(Calculator.evaluate(expression))).isEqualTo(expected);
    }

    @Test
    void refuses_what_it_cannot_read_saying_where() {
        assertThatThrownBy(() -> Calculator.evaluate("")).hasMessage("the expression is empty");
        assertThatThrownBy(() -> Calculator.evaluate("2 +")).hasMessageContaining("a number is missing");
        assertThatThrownBy(() -> Calculator.evaluate("(2 + 3")).hasMessageContaining("a ')' is missing");
        assertThatThrownBy(() -> Calculator.evaluate("2 + abc")).hasMessageContaining("unexpected 'a' at position 5");
        assertThatThrownBy(() -> Calculator.evaluate("1 / (2 - 2)")).hasMessageContaining("division by zero");
        assertThatThrownBy(() -> Calculator.evaluate("1.2.3")).hasMessageContaining("is not a number");
        assertThatThrownBy(() -> Calculator.evaluate("0 ^ -1")).hasMessageContaining("zero to a negative power");
        assertThatThrownBy(() -> Calculator.evaluate("1e3")).hasMessageContaining("unexpected 'e'");
    }

    @Test
    void refuses_unbounded_work() {
        assertThatThrownBy(() -> Calculator.evaluate("9 ^ 99999")).hasMessageContaining("beyond");
        assertThatThrownBy(() -> Calculator.evaluate("2 ^ 0.5")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Calculator.evaluate("(".repeat(40) + "1" + ")".repeat(40)))
                .hasMessageContaining("nested deeper than 32");
        assertThatThrownBy(() -> Calculator.evaluate("1+".repeat(100) + "1")).hasMessageContaining("the limit is 200");
    }
}
