package dev.tessera.textgen.grpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.runtime.error.GrpcErrors;
import dev.tessera.runtime.error.ServiceException;
import dev.tessera.textgen.config.TextGenerationConfig;
import dev.tessera.textgen.decoding.schema.Schema;
import dev.tessera.textgen.decoding.schema.SchemaCompiler;
import dev.tessera.textgen.decoding.schema.SchemaException;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.ListModelsRequest;
import dev.tessera.textgen.grpc.v1.ListModelsResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.ResponseFormat;
import dev.tessera.textgen.grpc.v1.Role;
import dev.tessera.textgen.grpc.v1.TextGeneration;
import dev.tessera.textgen.grpc.v1.Tool;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import dev.tessera.textgen.mapping.TextGenerationMapper;
import dev.tessera.textgen.service.GenerateCommand;
import dev.tessera.textgen.service.Generation;
import dev.tessera.textgen.service.TextGenerationService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * The {@code tessera.textgen.v1.TextGeneration} endpoint: it validates the request's shape, maps it, starts the
 * generation through {@link TextGenerationService} and maps the result back. It stays on the event loop, since it only
 * checks sizes and hands over: rendering and tokenizing the prompt, and the decode loop, run on the engine's threads.
 * Cancelling a call, or its deadline passing, cancels the generation.
 */
@GrpcService
public class TextGenerationGrpcService implements TextGeneration {

    private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String NO_PARAMETERS = "{\"type\":\"object\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaCompiler compiler = new SchemaCompiler(JSON);

    private final TextGenerationService service;
    private final TextGenerationConfig config;

    @Inject
    public TextGenerationGrpcService(TextGenerationService service, TextGenerationConfig config) {
        this.service = service;
        this.config = config;
    }

    @Override
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return Uni.createFrom()
                .<GenerateResponse>emitter(emitter -> {
                    var schemas = validate(request, "");
                    Generation generation = service.start(TextGenerationMapper.toCommand(request, schemas), text -> {});
                    emitter.onTermination(generation::cancel);
                    generation.result().whenComplete((result, failure) -> {
                        if (failure != null) {
                            emitter.fail(unwrap(failure));
                        } else {
                            emitter.complete(TextGenerationMapper.toResponse(generation, result));
                        }
                    });
                })
                .onFailure()
                .transform(GrpcErrors::toStatus);
    }

    @Override
    public Multi<GenerateStreamResponse> generateStream(GenerateStreamRequest request) {
        // deltas never outnumber generated tokens, so this buffer cannot overflow however slowly the client reads
        int buffer = config.maxTokensLimit() + 2;
        return Multi.createFrom()
                .<GenerateStreamResponse>emitter(
                        emitter -> {
                            if (!request.hasRequest()) {
                                throw ServiceException.invalidArgument("request", "is required");
                            }
                            var schemas = validate(request.getRequest(), "request.");
                            Generation generation = service.start(
                                    TextGenerationMapper.toCommand(request.getRequest(), schemas),
                                    text -> emitter.emit(TextGenerationMapper.toDelta(text)));
                            emitter.onTermination(generation::cancel);
                            generation.result().whenComplete((result, failure) -> {
                                if (failure != null) {
                                    emitter.fail(unwrap(failure));
                                } else {
                                    emitter.emit(TextGenerationMapper.toLastDelta(generation, result));
                                    emitter.complete();
                                }
                            });
                        },
                        buffer)
                .onFailure()
                .transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        return Uni.createFrom().item(() -> TextGenerationMapper.toResponse(service.models()));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * Checks what does not depend on the model and compiles the request's schemas; {@code prefix} names the enclosing
     * field in error messages.
     */
    private TextGenerationMapper.CompiledSchemas validate(GenerateRequest request, String prefix) {
        int count = request.getMessagesCount();
        if (count == 0) {
            throw ServiceException.invalidArgument(prefix + "messages", "at least one message is required");
        }
        if (count > config.maxMessages()) {
            throw ServiceException.invalidArgument(
                    prefix + "messages", "has " + count + " messages; the limit is " + config.maxMessages());
        }
        long chars = 0;
        for (int i = 0; i < count; i++) {
            Message m = request.getMessages(i);
            if (m.getRole() == Role.ROLE_UNSPECIFIED || m.getRole() == Role.UNRECOGNIZED) {
                throw ServiceException.invalidArgument(
                        prefix + "messages[" + i + "].role",
                        "must be ROLE_SYSTEM, ROLE_USER, ROLE_ASSISTANT or ROLE_TOOL, got "
                                + (m.getRole() == Role.UNRECOGNIZED ? m.getRoleValue() : "none"));
            }
            if (m.getContent().isEmpty() && m.getToolCallsCount() == 0) {
                throw ServiceException.invalidArgument(prefix + "messages[" + i + "].content", "must not be empty");
            }
            for (int j = 0; j < m.getToolCallsCount(); j++) {
                String field = prefix + "messages[" + i + "].tool_calls[" + j + "]";
                if (m.getRole() != Role.ROLE_ASSISTANT) {
                    throw ServiceException.invalidArgument(field, "only assistant messages carry tool calls");
                }
                if (!TOOL_NAME.matcher(m.getToolCalls(j).getName()).matches()) {
                    throw ServiceException.invalidArgument(
                            field + ".name", "must be 1 to 64 letters, digits, '_' or '-'");
                }
                if (!isJsonObject(m.getToolCalls(j).getArgumentsJson())) {
                    throw ServiceException.invalidArgument(field + ".arguments_json", "must be a JSON object");
                }
                chars += m.getToolCalls(j).getArgumentsJson().length();
            }
            chars += m.getContent().length();
        }
        if (chars > config.maxPromptChars()) {
            throw ServiceException.invalidArgument(
                    prefix + "messages",
                    "have " + chars + " characters together; the limit is " + config.maxPromptChars());
        }
        if (request.hasMaxTokens()) {
            int max = request.getMaxTokens();
            if (max == 0 || max > config.maxTokensLimit()) {
                throw ServiceException.invalidArgument(
                        prefix + "max_tokens",
                        "is " + Integer.toUnsignedString(max) + "; it must be between 1 and "
                                + config.maxTokensLimit());
            }
        }
        var sampling = request.getSampling();
        if (sampling.hasTemperature()
                && (!(sampling.getTemperature() >= 0f) || Float.isInfinite(sampling.getTemperature()))) {
            throw ServiceException.invalidArgument(
                    prefix + "sampling.temperature", "is " + sampling.getTemperature() + "; it must be >= 0");
        }
        if (sampling.hasTopP() && !(sampling.getTopP() > 0f && sampling.getTopP() <= 1f)) {
            throw ServiceException.invalidArgument(
                    prefix + "sampling.top_p", "is " + sampling.getTopP() + "; it must be in (0, 1]");
        }
        if (sampling.getTopK() > 100_000) {
            throw ServiceException.invalidArgument(
                    prefix + "sampling.top_k",
                    "is " + sampling.getTopK() + "; it must be at most 100000 (0 keeps every token)");
        }
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
        Set<String> tools = new HashSet<>();
        if (request.getToolsCount() > config.maxTools()) {
            throw ServiceException.invalidArgument(
                    prefix + "tools", "has " + request.getToolsCount() + " tools; the limit is " + config.maxTools());
        }
        List<GenerateCommand.OfferedTool> offered = new ArrayList<>();
        for (int i = 0; i < request.getToolsCount(); i++) {
            Tool tool = request.getTools(i);
            String text = tool.getParametersJsonSchema().isBlank() ? NO_PARAMETERS : tool.getParametersJsonSchema();
            String field = prefix + "tools[" + i + "].parameters_json_schema";
            Schema schema = compile(text, field);
            if (!(schema instanceof Schema.ObjectSchema)) {
                throw ServiceException.invalidArgument(field, "must describe an object (\"type\": \"object\")");
            }
            offered.add(
                    new GenerateCommand.OfferedTool(tool.getName(), new GenerateCommand.CompiledSchema(text, schema)));
            if (!TOOL_NAME.matcher(tool.getName()).matches()) {
                throw ServiceException.invalidArgument(
                        prefix + "tools[" + i + "].name", "must be 1 to 64 letters, digits, '_' or '-'");
            }
            if (!tools.add(tool.getName())) {
                throw ServiceException.invalidArgument(
                        prefix + "tools[" + i + "].name", "'" + tool.getName() + "' is given twice");
            }
        }
        ToolChoice choice = request.getToolChoice();
        if (choice.getChoiceCase() == ToolChoice.ChoiceCase.TOOL_NAME && !tools.contains(choice.getToolName())) {
            throw ServiceException.invalidArgument(
                    prefix + "tool_choice.tool_name",
                    "names '" + choice.getToolName() + "', which is not among the request's tools");
        }
        if (choice.getChoiceCase() == ToolChoice.ChoiceCase.MODE
                && choice.getMode() == ToolChoice.Mode.MODE_REQUIRED
                && tools.isEmpty()) {
            throw ServiceException.invalidArgument(prefix + "tool_choice", "MODE_REQUIRED needs at least one tool");
        }
        ResponseFormat format = request.getResponseFormat();
        if (format.getType() == ResponseFormat.Type.UNRECOGNIZED) {
            throw ServiceException.invalidArgument(prefix + "response_format.type", "is not a known format");
        }
        if (format.getType() == ResponseFormat.Type.TYPE_JSON_SCHEMA
                && format.getJsonSchema().isBlank()) {
            throw ServiceException.invalidArgument(
                    prefix + "response_format.json_schema", "is required for TYPE_JSON_SCHEMA");
        }
        Optional<GenerateCommand.CompiledSchema> response = Optional.empty();
        if (format.getType() == ResponseFormat.Type.TYPE_JSON_SCHEMA) {
            String field = prefix + "response_format.json_schema";
            response = Optional.of(
                    new GenerateCommand.CompiledSchema(format.getJsonSchema(), compile(format.getJsonSchema(), field)));
        }
        return new TextGenerationMapper.CompiledSchemas(offered, response);
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

    private static boolean isJsonObject(String text) {
        try {
            return JSON.readTree(text) instanceof ObjectNode;
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
