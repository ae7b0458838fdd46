package dev.tessera.conformance.textgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.BadInputContract;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.ResponseFormat;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import io.grpc.Channel;
import io.grpc.Status;
import java.util.List;

/**
 * Bad input on {@code tessera.textgen.v1}, for any text-generation service whose default model continues plain text
 * and has no tool support (its context length comes from ListModels): every case the contract promises a clear status for, each followed by a valid call. A
 * schema the service cannot enforce is INVALID_ARGUMENT naming the field; tools for a model without tool support are
 * FAILED_PRECONDITION.
 */
public abstract class TextGenerationBadInputContract extends BadInputContract {

    /** A request with one user message. */
    public static GenerateRequest.Builder ask(String text) {
        return GenerateRequest.newBuilder()
                .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent(text));
    }

    /**
     * A sampled story (temperature 1, seeded) that runs until the context ends: a generation long enough to cancel,
     * to run past a deadline, or to hold a slot while another request arrives.
     */
    public static GenerateRequest.Builder longStory(long seed) {
        return ask("Once upon a time")
                .setSampling(Sampling.newBuilder().setTemperature(1f).setSeed(seed))
                .setMaxTokens(1024);
    }

    @Override
    protected List<BadRequest> badRequests(Channel channel) {
        TextGenerationGrpc.TextGenerationBlockingStub stub = TextGenerationGrpc.newBlockingStub(channel);
        int contextLength = ServedModels.defaultModel(channel).getContextLength();
        Tool weather = Tool.newBuilder()
                .setName("get_weather")
                .setDescription("Weather for a city")
                .setParametersJsonSchema("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")
                .build();
        return List.of(
                new BadRequest(
                        "rejects_a_request_without_messages",
                        Status.Code.INVALID_ARGUMENT,
                        "messages",
                        () -> stub.generate(GenerateRequest.getDefaultInstance())),
                new BadRequest(
                        "rejects_a_message_without_a_role_naming_its_index",
                        Status.Code.INVALID_ARGUMENT,
                        "messages[1].role",
                        () -> stub.generate(ask("Once upon a time")
                                .addMessages(Message.newBuilder().setContent("no role"))
                                .build())),
                new BadRequest(
                        "rejects_an_unknown_role_number",
                        Status.Code.INVALID_ARGUMENT,
                        "messages[0].role",
                        () -> stub.generate(GenerateRequest.newBuilder()
                                .addMessages(
                                        Message.newBuilder().setRoleValue(9).setContent("hi"))
                                .build())),
                new BadRequest(
                        "rejects_a_prompt_longer_than_the_context",
                        Status.Code.INVALID_ARGUMENT,
                        "context of " + contextLength + " tokens",
                        () -> stub.generate(
                                ask("The dog ran. ".repeat(contextLength / 2)).build())),
                new BadRequest(
                        "rejects_max_tokens_over_the_limit",
                        Status.Code.INVALID_ARGUMENT,
                        "max_tokens",
                        () -> stub.generate(ask("Once").setMaxTokens(5000).build())),
                new BadRequest(
                        "rejects_zero_max_tokens",
                        Status.Code.INVALID_ARGUMENT,
                        "max_tokens",
                        () -> stub.generate(ask("Once").setMaxTokens(0).build())),
                new BadRequest(
                        "rejects_a_negative_temperature",
                        Status.Code.INVALID_ARGUMENT,
                        "sampling.temperature",
                        () -> stub.generate(ask("Once")
                                .setSampling(Sampling.newBuilder().setTemperature(-0.5f))
                                .build())),
                new BadRequest(
                        "rejects_top_p_of_zero",
                        Status.Code.INVALID_ARGUMENT,
                        "sampling.top_p",
                        () -> stub.generate(ask("Once")
                                .setSampling(Sampling.newBuilder().setTopP(0f))
                                .build())),
                new BadRequest(
                        "rejects_top_p_above_one",
                        Status.Code.INVALID_ARGUMENT,
                        "sampling.top_p",
                        () -> stub.generate(ask("Once")
                                .setSampling(Sampling.newBuilder().setTopP(1.5f))
                                .build())),
                new BadRequest(
                        "rejects_an_unknown_model_with_not_found",
                        Status.Code.NOT_FOUND,
                        "model",
                        () -> stub.generate(ask("Once").setModel("gpt-17").build())),
                new BadRequest(
                        "refuses_tools_for_a_model_without_tool_support",
                        Status.Code.FAILED_PRECONDITION,
                        "tools",
                        () -> stub.generate(
                                ask("Weather in Paris?").addTools(weather).build())),
                new BadRequest(
                        "rejects_a_response_schema_it_cannot_enforce_naming_the_keyword",
                        Status.Code.INVALID_ARGUMENT,
                        "response_format.json_schema",
                        () -> stub.generate(ask("Once")
                                .setResponseFormat(ResponseFormat.newBuilder()
                                        .setType(ResponseFormat.Type.TYPE_JSON_SCHEMA)
                                        .setJsonSchema("{\"type\":\"string\",\"pattern\":\"^a+$\"}"))
                                .build())),
                new BadRequest(
                        "rejects_a_response_schema_that_is_not_json",
                        Status.Code.INVALID_ARGUMENT,
                        "response_format.json_schema",
                        () -> stub.generate(ask("Once")
                                .setResponseFormat(ResponseFormat.newBuilder()
                                        .setType(ResponseFormat.Type.TYPE_JSON_SCHEMA)
                                        .setJsonSchema("{\"type\": \"object\""))
                                .build())),
                new BadRequest(
                        "rejects_an_invalid_tool_schema_naming_the_tool",
                        Status.Code.INVALID_ARGUMENT,
                        "tools[1].parameters_json_schema",
                        () -> stub.generate(ask("Weather in Paris?")
                                .addTools(weather)
                                .addTools(Tool.newBuilder()
                                        .setName("broken")
                                        .setParametersJsonSchema("{\"type\":\"object\",\"required\":[\"city\"]}"))
                                .build())),
                new BadRequest(
                        "rejects_max_tokens_too_small_for_the_schema",
                        Status.Code.INVALID_ARGUMENT,
                        "max_tokens",
                        () -> stub.generate(ask("Once")
                                .setMaxTokens(3)
                                .setResponseFormat(ResponseFormat.newBuilder()
                                        .setType(ResponseFormat.Type.TYPE_JSON_SCHEMA)
                                        .setJsonSchema("{\"type\":\"object\",\"properties\":{\"name\":"
                                                + "{\"type\":\"string\"}},\"required\":[\"name\"]}"))
                                .build())),
                new BadRequest(
                        "rejects_tool_choice_naming_a_tool_not_offered",
                        Status.Code.INVALID_ARGUMENT,
                        "tool_choice.tool_name",
                        () -> stub.generate(ask("Once")
                                .addTools(weather)
                                .setToolChoice(ToolChoice.newBuilder().setToolName("send_email"))
                                .build())),
                new BadRequest(
                        "rejects_more_stop_sequences_than_the_limit",
                        Status.Code.INVALID_ARGUMENT,
                        "stop",
                        () -> stub.generate(ask("Once")
                                .addAllStop(List.of("a", "b", "c", "d", "e"))
                                .build())),
                new BadRequest(
                        "rejects_top_k_of_two_to_the_31_as_the_unsigned_number_it_is",
                        Status.Code.INVALID_ARGUMENT,
                        "sampling.top_k: is 2147483648",
                        () -> stub.generate(ask("Once")
                                .setSampling(Sampling.newBuilder().setTopK(Integer.MIN_VALUE))
                                .build())),
                new BadRequest(
                        "rejects_max_tokens_of_two_to_the_32_minus_one",
                        Status.Code.INVALID_ARGUMENT,
                        "max_tokens: is 4294967295",
                        () -> stub.generate(ask("Once").setMaxTokens(-1).build())),
                new BadRequest(
                        "rejects_an_unknown_tool_choice_mode",
                        Status.Code.INVALID_ARGUMENT,
                        "tool_choice.mode",
                        () -> stub.generate(ask("Weather in Paris?")
                                .addTools(weather)
                                .setToolChoice(ToolChoice.newBuilder().setModeValue(9))
                                .build())),
                new BadRequest(
                        "rejects_a_tool_result_that_answers_no_call",
                        Status.Code.INVALID_ARGUMENT,
                        "messages[1].tool_call_id",
                        () -> stub.generate(ask("Weather in Paris?")
                                .addMessages(Message.newBuilder()
                                        .setRole(Role.ROLE_TOOL)
                                        .setToolCallId("call_nobody_made")
                                        .setContent("22 C"))
                                .build())),
                new BadRequest(
                        "says_a_schema_is_nested_too_deeply_without_naming_parser_internals",
                        Status.Code.INVALID_ARGUMENT,
                        "response_format.json_schema: is not a schema this service can enforce: not valid JSON: it is"
                                + " nested too deeply",
                        () -> stub.generate(ask("Once")
                                .setResponseFormat(ResponseFormat.newBuilder()
                                        .setType(ResponseFormat.Type.TYPE_JSON_SCHEMA)
                                        .setJsonSchema("[".repeat(1500) + "]".repeat(1500)))
                                .build())),
                new BadRequest(
                        "names_the_nested_field_in_a_stream_request",
                        Status.Code.INVALID_ARGUMENT,
                        "request.sampling.temperature",
                        () -> stub.generateStream(GenerateStreamRequest.newBuilder()
                                        .setRequest(ask("Once")
                                                .setSampling(
                                                        Sampling.newBuilder().setTemperature(-1f)))
                                        .build())
                                .hasNext()));
    }

    @Override
    protected void validCall(Channel channel) {
        assertThat(TextGenerationGrpc.newBlockingStub(channel)
                        .generate(ask("Once upon a time").setMaxTokens(4).build())
                        .getUsage()
                        .getOutputTokens())
                .isEqualTo(4);
    }
}
