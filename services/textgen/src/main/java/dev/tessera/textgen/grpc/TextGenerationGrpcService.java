package dev.tessera.textgen.grpc;

import dev.tessera.runtime.error.GrpcErrors;
import dev.tessera.runtime.error.ServiceException;
import dev.tessera.textgen.config.TextGenerationConfig;
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
import dev.tessera.textgen.service.Generation;
import dev.tessera.textgen.service.TextGenerationService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.HashSet;
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
                    validate(request, "");
                    Generation generation = service.start(TextGenerationMapper.toCommand(request), text -> {});
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
                            validate(request.getRequest(), "request.");
                            Generation generation = service.start(
                                    TextGenerationMapper.toCommand(request.getRequest()),
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

    /** Checks what does not depend on the model; {@code prefix} names the enclosing field in error messages. */
    private void validate(GenerateRequest request, String prefix) {
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
        for (int i = 0; i < request.getToolsCount(); i++) {
            Tool tool = request.getTools(i);
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
    }
}
