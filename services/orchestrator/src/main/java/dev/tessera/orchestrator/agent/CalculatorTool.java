package dev.tessera.orchestrator.agent;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/** {@code calculator}: the exact evaluator, not a model; free, and always offered. */
@Singleton
public class CalculatorTool implements ToolBinding {

    @Override
    public String tool() {
        return ToolSpec.CALCULATOR;
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public long worstCaseMicros() {
        return 0;
    }

    @Override
    public Result call(JsonNode arguments, Context context) {
        String expression = arguments.path("expression").asText("");
        try {
            return Result.ok(Calculator.format(Calculator.evaluate(expression)), List.of());
        } catch (Calculator.CalculatorException e) {
            return Result.failed("error: " + e.getMessage());
        }
    }
}
