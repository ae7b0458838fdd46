package dev.tessera.conformance.textgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.conformance.ServiceContract;
import dev.tessera.textgen.grpc.v1.FinishReason;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolCall;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tool use over {@code tessera.textgen.v1}, for a service that serves one of the forged tool models: accuracy on the
 * held-out requests the forge shipped with the model (phrasings and entities never seen in training), a full round
 * trip through a tool result to the final answer, and {@code tool_choice}. The tools offered are the model's own
 * {@code tools.json}, as a client would send them.
 */
public abstract class ToolUseContract extends ServiceContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tool model under test: the first the service lists with tool support. */
    protected String toolModel() {
        return ServedModels.toolModel(channel).getName();
    }

    private final double minAccuracy;

    /** @param minAccuracy the share of held-out requests the tool model must answer with the right tool and arguments */
    protected ToolUseContract(double minAccuracy) {
        this.minAccuracy = minAccuracy;
    }

    /** Held-out requests asked; the model ships 300. */
    protected int heldOutRequests() {
        return 200;
    }

    private TextGenerationGrpc.TextGenerationBlockingStub stub() {
        return TextGenerationGrpc.newBlockingStub(channel);
    }

    /** The model's tools as request messages, by name, in the order of {@code tools.json}. */
    protected Map<String, Tool> tools() {
        Map<String, Tool> tools = new LinkedHashMap<>();
        for (JsonNode t : read("tools.json")) {
            tools.put(
                    t.path("name").asText(),
                    Tool.newBuilder()
                            .setName(t.path("name").asText())
                            .setDescription(t.path("description").asText())
                            .setParametersJsonSchema(t.path("parameters").toString())
                            .build());
        }
        return tools;
    }

    private JsonNode read(String file) {
        try (InputStream in = resource(file)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InputStream resource(String file) {
        InputStream in = getClass().getClassLoader().getResourceAsStream("tessera/models/" + toolModel() + "/" + file);
        assertThat(in).as("the model jar of %s ships %s", toolModel(), file).isNotNull();
        return in;
    }

    private GenerateRequest.Builder request(List<String> offered, String user) {
        Map<String, Tool> tools = tools();
        GenerateRequest.Builder b = GenerateRequest.newBuilder()
                .setModel(toolModel())
                .setSampling(Sampling.newBuilder().setTemperature(0f))
                .setMaxTokens(96)
                .addMessages(Message.newBuilder().setRole(Role.ROLE_USER).setContent(user));
        offered.forEach(name -> b.addTools(tools.get(name)));
        return b;
    }

    @Test
    void picks_the_right_tool_with_the_right_arguments_on_held_out_requests() throws IOException {
        int asked = 0;
        int right = 0;
        List<String> wrong = new ArrayList<>();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(resource("heldout.jsonl"), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && asked < heldOutRequests(); line = lines.readLine()) {
                JsonNode conversation = JSON.readTree(line);
                JsonNode turns = conversation.path("turns");
                List<String> offered = List.of(turns.get(0).get(1).asText().split(", "));
                String user = turns.get(1).get(1).asText();
                GenerateResponse response =
                        stub().generate(request(offered, user).build());
                asked++;
                JsonNode expected = conversation.path("expected");
                if (response.getToolCallsCount() == 1
                        && response.getToolCalls(0)
                                .getName()
                                .equals(expected.path("name").asText())
                        && JSON.readTree(response.getToolCalls(0).getArgumentsJson())
                                .equals(expected.path("arguments"))) {
                    right++;
                } else if (wrong.size() < 5) {
                    wrong.add(user + " -> " + response.getToolCallsList() + response.getText());
                }
            }
        }
        double accuracy = (double) right / asked;
        System.out.printf(
                "[tool-use] %s: %d/%d held-out requests right (%.3f); e.g. wrong: %s%n",
                toolModel(), right, asked, accuracy, wrong);
        assertThat(accuracy)
                .as("held-out accuracy of %s; some misses: %s", toolModel(), wrong)
                .isGreaterThanOrEqualTo(minAccuracy);
    }

    @Test
    void a_round_trip_goes_from_request_to_tool_call_to_result_to_final_answer() throws IOException {
        List<String> offered = List.of("calculator", "search_memory", "final_answer");
        GenerateResponse first =
                stub().generate(request(offered, "What is 37 times 41?").build());
        assertThat(first.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_TOOL_CALL);
        ToolCall call = first.getToolCalls(0);
        assertThat(call.getName()).isEqualTo("calculator");
        assertThat(call.getId()).isNotEmpty();
        assertThat(JSON.readTree(call.getArgumentsJson()).path("expression").asText())
                .isEqualTo("37*41");

        GenerateRequest.Builder second = request(offered, "What is 37 times 41?")
                .addMessages(Message.newBuilder().setRole(Role.ROLE_ASSISTANT).addToolCalls(call))
                .addMessages(Message.newBuilder()
                        .setRole(Role.ROLE_TOOL)
                        .setToolCallId(call.getId())
                        .setContent("1517"));
        GenerateResponse answer = stub().generate(second.build());
        assertThat(answer.getToolCallsCount()).isEqualTo(1);
        assertThat(answer.getToolCalls(0).getName()).isEqualTo("final_answer");
        assertThat(JSON.readTree(answer.getToolCalls(0).getArgumentsJson())
                        .path("text")
                        .asText())
                .contains("1517");

        // Without final_answer among the tools, the model answers in plain text.
        List<String> noFinal = List.of("calculator", "search_memory");
        GenerateResponse text = stub().generate(request(noFinal, "What is 37 times 41?")
                .addMessages(Message.newBuilder().setRole(Role.ROLE_ASSISTANT).addToolCalls(call))
                .addMessages(Message.newBuilder()
                        .setRole(Role.ROLE_TOOL)
                        .setToolCallId(call.getId())
                        .setContent("1517"))
                .build());
        assertThat(text.getToolCallsCount()).isZero();
        assertThat(text.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(text.getText()).contains("1517");
    }

    @Test
    void tool_choice_required_named_and_none_are_obeyed() throws IOException {
        List<String> all = List.copyOf(tools().keySet());
        GenerateResponse required = stub().generate(request(all, "Hi!")
                .setToolChoice(ToolChoice.newBuilder().setMode(ToolChoice.Mode.MODE_REQUIRED))
                .build());
        assertThat(required.getToolCallsCount()).isEqualTo(1);

        GenerateResponse named = stub().generate(request(all, "What is 12 plus 30?")
                .setToolChoice(ToolChoice.newBuilder().setToolName("search_memory"))
                .build());
        assertThat(named.getToolCalls(0).getName()).isEqualTo("search_memory");
        assertThat(JSON.readTree(named.getToolCalls(0).getArgumentsJson()).has("query"))
                .isTrue();

        GenerateResponse none = stub().generate(request(all, "What is 12 plus 30?")
                .setToolChoice(ToolChoice.newBuilder().setMode(ToolChoice.Mode.MODE_NONE))
                .build());
        assertThat(none.getToolCallsCount()).isZero();
        assertThat(none.getFinishReason()).isNotEqualTo(FinishReason.FINISH_REASON_TOOL_CALL);
    }

    @Test
    void a_streamed_tool_call_arrives_whole_on_the_last_message_and_never_as_text() {
        GenerateRequest request = request(List.copyOf(tools().keySet()), "Remember that the gate code is 4471.")
                .build();
        StringBuilder text = new StringBuilder();
        GenerateStreamResponse last = null;
        for (Iterator<GenerateStreamResponse> it = stub().generateStream(GenerateStreamRequest.newBuilder()
                        .setRequest(request)
                        .build());
                it.hasNext(); ) {
            last = it.next();
            text.append(last.getDelta());
        }
        assertThat(text.toString()).isEmpty();
        assertThat(last.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_TOOL_CALL);
        assertThat(last.getToolCallsList()).hasSize(1);
        assertThat(last.getToolCalls(0))
                .isEqualTo(stub().generate(request).getToolCalls(0).toBuilder()
                        .setId(last.getToolCalls(0).getId())
                        .build());
    }
}
