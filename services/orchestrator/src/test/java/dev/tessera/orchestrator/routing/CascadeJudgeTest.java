package dev.tessera.orchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolCall;
import org.junit.jupiter.api.Test;

class CascadeJudgeTest {

    private static final GenerateRequest TOOLS = GenerateRequest.newBuilder()
            .addTools(Tool.newBuilder()
                    .setName("calculator")
                    .setParametersJsonSchema(
                            "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}},"
                                    + "\"required\":[\"expression\"],\"additionalProperties\":false}"))
            .build();

    private static GenerateResponse call(String name, String args, double logprob) {
        return GenerateResponse.newBuilder()
                .addToolCalls(ToolCall.newBuilder().setName(name).setArgumentsJson(args))
                .setMeanLogprob(logprob)
                .build();
    }

    private final CascadeJudge judge = new CascadeJudge(-0.5);

    @Test
    void a_valid_confident_call_is_accepted() {
        assertThat(judge.reject(TOOLS, call("calculator", "{\"expression\":\"2+2\"}", -0.2)))
                .isEmpty();
    }

    @Test
    void every_flaw_is_a_reason_to_escalate() {
        assertThat(judge.reject(
                        TOOLS,
                        GenerateResponse.newBuilder().setMeanLogprob(-0.1).build()))
                .hasValue("no tool call");
        assertThat(judge.reject(TOOLS, call("weather", "{}", -0.1)))
                .hasValueSatisfying(r -> assertThat(r).contains("unknown tool"));
        assertThat(judge.reject(TOOLS, call("calculator", "{\"expression\":4}", -0.1)))
                .hasValueSatisfying(r -> assertThat(r).contains("do not validate"));
        assertThat(judge.reject(TOOLS, call("calculator", "{\"expr", -0.1)))
                .hasValueSatisfying(r -> assertThat(r).contains("do not validate"));
        assertThat(judge.reject(TOOLS, call("calculator", "{\"expression\":\"2+2\"}", -0.9)))
                .hasValue("mean logprob -0.900 below the threshold -0.500");
    }

    @Test
    void without_tools_only_confidence_counts() {
        GenerateRequest plain = GenerateRequest.getDefaultInstance();
        assertThat(judge.reject(
                        plain,
                        GenerateResponse.newBuilder().setMeanLogprob(-0.4).build()))
                .isEmpty();
        assertThat(judge.reject(
                        plain,
                        GenerateResponse.newBuilder().setMeanLogprob(-0.6).build()))
                .isPresent();
    }
}
