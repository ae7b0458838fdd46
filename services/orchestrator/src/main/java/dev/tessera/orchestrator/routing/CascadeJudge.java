package dev.tessera.orchestrator.routing;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolCall;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the cascade keeps the cheap model's answer: when tools were offered, it must call one of them with
 * arguments that validate against that tool's JSON Schema (checked by an independent validator, not the service's
 * own grammar); and its mean token log-probability must clear the threshold, the model's own confidence.
 */
public final class CascadeJudge {

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final double minMeanLogprob;

    public CascadeJudge(double minMeanLogprob) {
        this.minMeanLogprob = minMeanLogprob;
    }

    /** Empty when the answer is accepted, else why it is not. */
    public Optional<String> reject(GenerateRequest request, GenerateResponse answer) {
        if (request.getToolsCount() > 0) {
            if (answer.getToolCallsCount() == 0) {
                return Optional.of("no tool call");
            }
            for (ToolCall call : answer.getToolCallsList()) {
                Optional<Tool> tool = request.getToolsList().stream()
                        .filter(t -> t.getName().equals(call.getName()))
                        .findFirst();
                if (tool.isEmpty()) {
                    return Optional.of("called unknown tool '" + call.getName() + "'");
                }
                if (!valid(tool.get().getParametersJsonSchema(), call.getArgumentsJson())) {
                    return Optional.of("arguments of '" + call.getName() + "' do not validate against its schema");
                }
            }
        }
        if (answer.getMeanLogprob() < minMeanLogprob) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "mean logprob %.3f below the threshold %.3f",
                    answer.getMeanLogprob(),
                    minMeanLogprob));
        }
        return Optional.empty();
    }

    public double threshold() {
        return minMeanLogprob;
    }

    private static boolean valid(String schema, String json) {
        if (schema.isBlank()) {
            return true;
        }
        try {
            return SCHEMAS.getSchema(schema).validate(json, InputFormat.JSON).isEmpty();
        } catch (RuntimeException malformed) {
            return false;
        }
    }
}
