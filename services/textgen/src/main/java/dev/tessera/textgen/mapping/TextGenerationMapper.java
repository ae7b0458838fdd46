package dev.tessera.textgen.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.platform.grpc.RequestDeadlines;
import dev.tessera.platform.usage.Usage;
import dev.tessera.platform.usage.UsageMapper;
import dev.tessera.textgen.config.TextGenerationConfig;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.FinishReason;
import dev.tessera.textgen.decoding.GenerationResult;
import dev.tessera.textgen.decoding.OutputFormat;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.schema.Schema;
import dev.tessera.textgen.decoding.schema.SchemaCompiler;
import dev.tessera.textgen.decoding.schema.SchemaException;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.ListModelsResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.ResponseFormat;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolCall;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import dev.tessera.textgen.service.GenerateCommand;
import dev.tessera.textgen.service.Generation;
import dev.tessera.textgen.service.ModelDescription;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Between the {@code tessera.textgen.v1} messages and the service's domain types, both ways. On the way in it checks
 * what does not depend on the model (counts, sizes and limits, roles, tool names, the deadline) and compiles the
 * request's JSON Schemas, each error naming its field; rules that belong to a domain type (sampling) are that type's,
 * and this class only says where the field sits in the request.
 */
@ApplicationScoped
public class TextGenerationMapper {

    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String NO_PARAMETERS = "{\"type\":\"object\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaCompiler compiler = new SchemaCompiler(JSON);
    private final TextGenerationConfig config;
    private final RequestDeadlines deadlines;

    @Inject
    public TextGenerationMapper(TextGenerationConfig config, RequestDeadlines deadlines) {
        this.config = config;
        this.deadlines = deadlines;
    }

    /**
     * A unary request as a domain command; without a deadline of its own it gets
     * {@code tessera.textgen.unary-deadline}, which bounds a client that neither finishes nor cancels.
     *
     * @throws ServiceException {@code INVALID_ARGUMENT} or {@code DEADLINE_EXCEEDED} naming the field
     */
    public GenerateCommand toUnaryCommand(GenerateRequest request) {
        GenerateCommand command = toCommand(request, "");
        if (command.deadlineNanos() != Long.MAX_VALUE) {
            return command;
        }
        return command.withDeadline(System.nanoTime() + config.unaryDeadline().toNanos());
    }

    /**
     * A request as a domain command.
     *
     * @param prefix where the request sits in the message received, such as {@code request.} in a stream request;
     *     error fields start with it
     * @throws ServiceException {@code INVALID_ARGUMENT} or {@code DEADLINE_EXCEEDED} naming the field
     */
    public GenerateCommand toCommand(GenerateRequest request, String prefix) {
        List<ChatMessage> messages = messages(request, prefix);
        OptionalInt maxTokens = OptionalInt.empty();
        if (request.hasMaxTokens()) {
            int max = request.getMaxTokens();
            if (max == 0 || Integer.compareUnsigned(max, config.maxTokensLimit()) > 0) {
                throw ServiceException.invalidArgument(
                        prefix + "max_tokens",
                        "is " + Integer.toUnsignedString(max) + "; it must be between 1 and "
                                + config.maxTokensLimit());
            }
            maxTokens = OptionalInt.of(max);
        }
        SamplingParams sampling = sampling(request.getSampling(), prefix + "sampling");
        List<String> stop = stop(request, prefix);
        List<GenerateCommand.OfferedTool> tools = tools(request, prefix);
        ToolChoice choice = request.getToolChoice();
        if (choice.getChoiceCase() == ToolChoice.ChoiceCase.TOOL_NAME
                && tools.stream().noneMatch(t -> t.name().equals(choice.getToolName()))) {
            throw ServiceException.invalidArgument(
                    prefix + "tool_choice.tool_name",
                    "names '" + choice.getToolName() + "', which is not among the request's tools");
        }
        if (choice.getChoiceCase() == ToolChoice.ChoiceCase.MODE && choice.getMode() == ToolChoice.Mode.UNRECOGNIZED) {
            throw ServiceException.invalidArgument(
                    prefix + "tool_choice.mode",
                    "is " + choice.getModeValue() + "; it must be MODE_AUTO, MODE_NONE or MODE_REQUIRED");
        }
        if (choice.getChoiceCase() == ToolChoice.ChoiceCase.MODE
                && choice.getMode() == ToolChoice.Mode.MODE_REQUIRED
                && tools.isEmpty()) {
            throw ServiceException.invalidArgument(prefix + "tool_choice", "MODE_REQUIRED needs at least one tool");
        }
        Optional<GenerateCommand.CompiledSchema> response = responseSchema(request.getResponseFormat(), prefix);
        long deadlineNanos = deadlines.resolve(request.getMetadata(), prefix + "metadata");
        return new GenerateCommand(
                request.getModel().isEmpty() ? Optional.empty() : Optional.of(request.getModel()),
                messages,
                tools,
                toToolChoice(request),
                choice.getChoiceCase() == ToolChoice.ChoiceCase.TOOL_NAME
                        ? Optional.of(choice.getToolName())
                        : Optional.empty(),
                response,
                sampling,
                maxTokens,
                stop,
                deadlineNanos);
    }

    private List<ChatMessage> messages(GenerateRequest request, String prefix) {
        int count = request.getMessagesCount();
        if (count == 0) {
            throw ServiceException.invalidArgument(prefix + "messages", "at least one message is required");
        }
        if (count > config.maxMessages()) {
            throw ServiceException.invalidArgument(
                    prefix + "messages", "has " + count + " messages; the limit is " + config.maxMessages());
        }
        long chars = 0;
        Set<String> callIds = new HashSet<>();
        List<ChatMessage> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Message m = request.getMessages(i);
            String field = prefix + "messages[" + i + "]";
            ChatMessage.Role role = toRole(m, field + ".role");
            if (m.getContent().isEmpty() && m.getToolCallsCount() == 0) {
                throw ServiceException.invalidArgument(field + ".content", "must not be empty");
            }
            List<dev.tessera.textgen.decoding.ToolCall> calls = new ArrayList<>(m.getToolCallsCount());
            for (int j = 0; j < m.getToolCallsCount(); j++) {
                String callField = field + ".tool_calls[" + j + "]";
                ToolCall call = m.getToolCalls(j);
                if (role != ChatMessage.Role.ASSISTANT) {
                    throw ServiceException.invalidArgument(callField, "only assistant messages carry tool calls");
                }
                requireToolName(call.getName(), callField + ".name");
                if (!isJsonObject(call.getArgumentsJson())) {
                    throw ServiceException.invalidArgument(callField + ".arguments_json", "must be a JSON object");
                }
                chars += call.getArgumentsJson().length();
                callIds.add(call.getId());
                calls.add(new dev.tessera.textgen.decoding.ToolCall(call.getName(), call.getArgumentsJson()));
            }
            if (role == ChatMessage.Role.TOOL && !m.getToolCallId().isEmpty() && !callIds.contains(m.getToolCallId())) {
                throw ServiceException.invalidArgument(
                        field + ".tool_call_id",
                        "'" + m.getToolCallId() + "' answers no tool call of an earlier assistant message");
            }
            chars += m.getContent().length();
            out.add(new ChatMessage(role, m.getContent(), calls));
        }
        if (chars > config.maxPromptChars()) {
            throw ServiceException.invalidArgument(
                    prefix + "messages",
                    "have " + chars + " characters together; the limit is " + config.maxPromptChars());
        }
        return out;
    }

    private static ChatMessage.Role toRole(Message message, String field) {
        return switch (message.getRole()) {
            case ROLE_SYSTEM -> ChatMessage.Role.SYSTEM;
            case ROLE_USER -> ChatMessage.Role.USER;
            case ROLE_ASSISTANT -> ChatMessage.Role.ASSISTANT;
            case ROLE_TOOL -> ChatMessage.Role.TOOL;
            case ROLE_UNSPECIFIED, UNRECOGNIZED ->
                throw ServiceException.invalidArgument(
                        field,
                        "must be ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT or ROLE_TOOL, got "
                                + (message.getRole() == Role.UNRECOGNIZED ? message.getRoleValue() : "none"));
        };
    }

    /** The request's sampling with its defaults (temperature 1, top_p 1) and a seed drawn when it gives none. */
    private SamplingParams sampling(Sampling sampling, String field) {
        long topK = Integer.toUnsignedLong(sampling.getTopK());
        if (topK > config.maxTopK()) {
            throw ServiceException.invalidArgument(
                    field + ".top_k",
                    "is " + topK + "; it must be at most " + config.maxTopK() + " (0 keeps every token)");
        }
        try {
            return new SamplingParams(
                    sampling.hasTemperature() ? sampling.getTemperature() : 1f,
                    sampling.hasTopP() ? sampling.getTopP() : 1f,
                    (int) topK,
                    sampling.hasSeed()
                            ? sampling.getSeed()
                            : ThreadLocalRandom.current().nextLong());
        } catch (ServiceException e) {
            throw e.nestedIn(field);
        }
    }

    private List<String> stop(GenerateRequest request, String prefix) {
        if (request.getStopCount() > config.maxStopSequences()) {
            throw ServiceException.invalidArgument(
                    prefix + "stop",
                    "has " + request.getStopCount() + " sequences; the limit is " + config.maxStopSequences());
        }
        for (int i = 0; i < request.getStopCount(); i++) {
            String stop = request.getStop(i);
            if (stop.isEmpty() || stop.length() > config.maxStopChars()) {
                throw ServiceException.invalidArgument(
                        prefix + "stop[" + i + "]", "must have 1 to " + config.maxStopChars() + " characters");
            }
        }
        return List.copyOf(request.getStopList());
    }

    private List<GenerateCommand.OfferedTool> tools(GenerateRequest request, String prefix) {
        if (request.getToolsCount() > config.maxTools()) {
            throw ServiceException.invalidArgument(
                    prefix + "tools", "has " + request.getToolsCount() + " tools; the limit is " + config.maxTools());
        }
        Set<String> names = new HashSet<>();
        List<GenerateCommand.OfferedTool> offered = new ArrayList<>();
        for (int i = 0; i < request.getToolsCount(); i++) {
            Tool tool = request.getTools(i);
            String field = prefix + "tools[" + i + "]";
            String text = tool.getParametersJsonSchema().isBlank() ? NO_PARAMETERS : tool.getParametersJsonSchema();
            Schema schema = compile(text, field + ".parameters_json_schema");
            if (!(schema instanceof Schema.ObjectSchema)) {
                throw ServiceException.invalidArgument(
                        field + ".parameters_json_schema", "must describe an object (\"type\": \"object\")");
            }
            requireToolName(tool.getName(), field + ".name");
            if (!names.add(tool.getName())) {
                throw ServiceException.invalidArgument(field + ".name", "'" + tool.getName() + "' is given twice");
            }
            offered.add(
                    new GenerateCommand.OfferedTool(tool.getName(), new GenerateCommand.CompiledSchema(text, schema)));
        }
        return offered;
    }

    private Optional<GenerateCommand.CompiledSchema> responseSchema(ResponseFormat format, String prefix) {
        if (format.getType() == ResponseFormat.Type.UNRECOGNIZED) {
            throw ServiceException.invalidArgument(prefix + "response_format.type", "is not a known format");
        }
        if (format.getType() != ResponseFormat.Type.TYPE_JSON_SCHEMA) {
            return Optional.empty();
        }
        String field = prefix + "response_format.json_schema";
        if (format.getJsonSchema().isBlank()) {
            throw ServiceException.invalidArgument(field, "is required for TYPE_JSON_SCHEMA");
        }
        return Optional.of(
                new GenerateCommand.CompiledSchema(format.getJsonSchema(), compile(format.getJsonSchema(), field)));
    }

    /** A schema the constrained decoder can enforce, or INVALID_ARGUMENT naming the field and the spot in it. */
    private Schema compile(String text, String field) {
        if (text.length() > config.maxSchemaChars()) {
            throw ServiceException.invalidArgument(
                    field, "has " + text.length() + " characters; the limit is " + config.maxSchemaChars());
        }
        try {
            return compiler.compile(text);
        } catch (SchemaException e) {
            throw ServiceException.invalidArgument(
                    field, "is not a schema this service can enforce: " + e.getMessage());
        }
    }

    private static void requireToolName(String name, String field) {
        if (!TOOL_NAME.matcher(name).matches()) {
            throw ServiceException.invalidArgument(field, "must be 1 to 64 letters, digits, '_' or '-'");
        }
    }

    private static boolean isJsonObject(String text) {
        try {
            return JSON.readTree(text) instanceof ObjectNode;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    static OutputFormat.ToolChoice toToolChoice(GenerateRequest request) {
        if (request.getToolsCount() == 0) {
            return OutputFormat.ToolChoice.NONE;
        }
        ToolChoice choice = request.getToolChoice();
        if (choice.getChoiceCase() == ToolChoice.ChoiceCase.TOOL_NAME) {
            return OutputFormat.ToolChoice.REQUIRED;
        }
        return switch (choice.getMode()) {
            case MODE_NONE -> OutputFormat.ToolChoice.NONE;
            case MODE_REQUIRED -> OutputFormat.ToolChoice.REQUIRED;
            default -> OutputFormat.ToolChoice.AUTO;
        };
    }

    public GenerateResponse toResponse(Generation generation, GenerationResult result) {
        return GenerateResponse.newBuilder()
                .addAllToolCalls(toToolCalls(generation, result))
                .setModel(generation.model())
                .setText(result.text())
                .setFinishReason(toFinishReason(result.finishReason()))
                .setMeanLogprob(result.meanLogprob())
                .setUsage(toUsage(result))
                .setSeed(generation.seed())
                .build();
    }

    public GenerateStreamResponse toDelta(String text) {
        return GenerateStreamResponse.newBuilder().setDelta(text).build();
    }

    public GenerateStreamResponse toLastDelta(Generation generation, GenerationResult result) {
        return GenerateStreamResponse.newBuilder()
                .addAllToolCalls(toToolCalls(generation, result))
                .setModel(generation.model())
                .setFinishReason(toFinishReason(result.finishReason()))
                .setMeanLogprob(result.meanLogprob())
                .setUsage(toUsage(result))
                .setSeed(generation.seed())
                .build();
    }

    public ListModelsResponse toResponse(List<ModelDescription> models) {
        ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
        for (ModelDescription m : models) {
            out.addModels(ModelInfo.newBuilder()
                    .setName(m.name())
                    .setContextLength(m.contextLength())
                    .setSupportsTools(m.supportsTools())
                    .setIsDefault(m.isDefault())
                    .setDescription(nullToEmpty(m.description()))
                    .setSource(nullToEmpty(m.source()))
                    .setLicense(nullToEmpty(m.license())));
        }
        return out.build();
    }

    private static List<ToolCall> toToolCalls(Generation generation, GenerationResult result) {
        if (result.toolCall() == null) {
            return List.of();
        }
        return List.of(ToolCall.newBuilder()
                .setId(generation.callId())
                .setName(result.toolCall().name())
                .setArgumentsJson(result.toolCall().argumentsJson())
                .build());
    }

    private static dev.tessera.common.grpc.v1.Usage toUsage(GenerationResult result) {
        return UsageMapper.toProto(Usage.ofText(
                result.promptTokens(),
                result.completionTokens(),
                TimeUnit.NANOSECONDS.toMillis(result.computeNanos())));
    }

    private static dev.tessera.textgen.grpc.v1.FinishReason toFinishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_STOP;
            case LENGTH -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_LENGTH;
            case TOOL_CALL -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_TOOL_CALL;
            case CANCELLED -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_CANCELLED;
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
