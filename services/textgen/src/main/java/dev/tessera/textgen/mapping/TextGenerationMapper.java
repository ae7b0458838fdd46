package dev.tessera.textgen.mapping;

import dev.tessera.common.grpc.v1.Usage;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.FinishReason;
import dev.tessera.textgen.decoding.GenerationResult;
import dev.tessera.textgen.decoding.OutputFormat;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.ListModelsResponse;
import dev.tessera.textgen.grpc.v1.Message;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.ToolCall;
import dev.tessera.textgen.grpc.v1.ToolChoice;
import dev.tessera.textgen.service.GenerateCommand;
import dev.tessera.textgen.service.Generation;
import dev.tessera.textgen.service.ModelDescription;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** Maps between the {@code tessera.textgen.v1} messages and the service's domain types; nothing else. */
public final class TextGenerationMapper {

    private TextGenerationMapper() {}

    /**
     * A validated request as a domain command. The deadline is the sooner of the gRPC deadline and the metadata's
     * {@code deadline_unix_ms}.
     */
    public static GenerateCommand toCommand(GenerateRequest request, CompiledSchemas schemas) {
        long deadlineNanos = Long.MAX_VALUE;
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            deadlineNanos = System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS);
        }
        long unixMs = request.getMetadata().getDeadlineUnixMs();
        if (unixMs > 0) {
            long fromMetadata = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(unixMs - System.currentTimeMillis());
            deadlineNanos = Math.min(deadlineNanos, fromMetadata);
        }
        var sampling = request.getSampling();
        return new GenerateCommand(
                request.getModel().isEmpty() ? Optional.empty() : Optional.of(request.getModel()),
                request.getMessagesList().stream()
                        .map(TextGenerationMapper::toMessage)
                        .toList(),
                schemas.tools(),
                toToolChoice(request),
                request.getToolChoice().getChoiceCase() == ToolChoice.ChoiceCase.TOOL_NAME
                        ? Optional.of(request.getToolChoice().getToolName())
                        : Optional.empty(),
                schemas.response(),
                sampling.hasTemperature() ? sampling.getTemperature() : 1f,
                sampling.hasTopP() ? sampling.getTopP() : 1f,
                sampling.getTopK(),
                sampling.hasSeed() ? OptionalLong.of(sampling.getSeed()) : OptionalLong.empty(),
                request.hasMaxTokens() ? OptionalInt.of(request.getMaxTokens()) : OptionalInt.empty(),
                List.copyOf(request.getStopList()),
                deadlineNanos);
    }

    /** The request's schemas, compiled while validating it. */
    public record CompiledSchemas(
            List<GenerateCommand.OfferedTool> tools, Optional<GenerateCommand.CompiledSchema> response) {}

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

    static ChatMessage toMessage(Message message) {
        ChatMessage.Role role = switch (message.getRole()) {
            case ROLE_SYSTEM -> ChatMessage.Role.SYSTEM;
            case ROLE_USER -> ChatMessage.Role.USER;
            case ROLE_ASSISTANT -> ChatMessage.Role.ASSISTANT;
            case ROLE_TOOL -> ChatMessage.Role.TOOL;
            default -> throw new IllegalArgumentException("unvalidated role " + message.getRole());
        };
        return new ChatMessage(
                role,
                message.getContent(),
                message.getToolCallsList().stream()
                        .map(c -> new dev.tessera.textgen.decoding.ToolCall(c.getName(), c.getArgumentsJson()))
                        .toList());
    }

    public static GenerateResponse toResponse(Generation generation, GenerationResult result) {
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

    public static GenerateStreamResponse toDelta(String text) {
        return GenerateStreamResponse.newBuilder().setDelta(text).build();
    }

    public static GenerateStreamResponse toLastDelta(Generation generation, GenerationResult result) {
        return GenerateStreamResponse.newBuilder()
                .addAllToolCalls(toToolCalls(generation, result))
                .setModel(generation.model())
                .setFinishReason(toFinishReason(result.finishReason()))
                .setMeanLogprob(result.meanLogprob())
                .setUsage(toUsage(result))
                .setSeed(generation.seed())
                .build();
    }

    static List<ToolCall> toToolCalls(Generation generation, GenerationResult result) {
        if (result.toolCall() == null) {
            return List.of();
        }
        return List.of(ToolCall.newBuilder()
                .setId(generation.callId())
                .setName(result.toolCall().name())
                .setArgumentsJson(result.toolCall().argumentsJson())
                .build());
    }

    static Usage toUsage(GenerationResult result) {
        return Usage.newBuilder()
                .setInputTokens(result.promptTokens())
                .setOutputTokens(result.completionTokens())
                .setComputeMs(TimeUnit.NANOSECONDS.toMillis(result.computeNanos()))
                .build();
    }

    static dev.tessera.textgen.grpc.v1.FinishReason toFinishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_STOP;
            case LENGTH -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_LENGTH;
            case TOOL_CALL -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_TOOL_CALL;
            case CANCELLED -> dev.tessera.textgen.grpc.v1.FinishReason.FINISH_REASON_CANCELLED;
        };
    }

    public static ListModelsResponse toResponse(List<ModelDescription> models) {
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

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
