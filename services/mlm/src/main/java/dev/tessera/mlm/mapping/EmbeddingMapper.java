package dev.tessera.mlm.mapping;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.ListModelsResponse;
import dev.tessera.embedding.grpc.v1.ModelInfo;
import dev.tessera.embedding.grpc.v1.Vector;
import dev.tessera.mlm.service.EmbedCommand;
import dev.tessera.mlm.service.EmbedResult;
import dev.tessera.mlm.service.InputType;
import dev.tessera.mlm.service.ModelDescription;
import dev.tessera.runtime.error.ServiceException;
import dev.tessera.runtime.usage.Usage;
import io.grpc.Context;
import io.grpc.Deadline;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Maps between the embedding contract's protobuf messages and the service's domain types, both ways. */
public final class EmbeddingMapper {

    private EmbeddingMapper() {}

    /** A validated request as a domain command; the deadline comes from the gRPC context. */
    public static EmbedCommand toCommand(EmbedRequest request) {
        Deadline deadline = Context.current().getDeadline();
        long deadlineNanos =
                deadline == null ? Long.MAX_VALUE : System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS);
        return new EmbedCommand(
                List.copyOf(request.getInputsList()),
                toInputType(request.getInputType()),
                !request.hasNormalize() || request.getNormalize(),
                request.getTruncate(),
                request.getModel().isEmpty() ? Optional.empty() : Optional.of(request.getModel()),
                deadlineNanos);
    }

    static InputType toInputType(dev.tessera.embedding.grpc.v1.InputType type) {
        return switch (type) {
            case INPUT_TYPE_QUERY -> InputType.QUERY;
            case INPUT_TYPE_PASSAGE -> InputType.PASSAGE;
            case INPUT_TYPE_SYMMETRIC, INPUT_TYPE_UNSPECIFIED -> InputType.SYMMETRIC;
            case UNRECOGNIZED -> throw ServiceException.invalidArgument("input_type", "unknown value");
        };
    }

    public static EmbedResponse toResponse(EmbedResult result) {
        EmbedResponse.Builder out = EmbedResponse.newBuilder()
                .setDimension(result.dimension())
                .setModel(result.model())
                .setUsage(toUsage(result.usage()));
        for (EmbedResult.Embedded e : result.vectors()) {
            Vector.Builder v = Vector.newBuilder().setTokenCount(e.tokens()).setTruncated(e.truncated());
            for (float x : e.vector()) {
                v.addValues(x);
            }
            out.addEmbeddings(v);
        }
        return out.build();
    }

    public static ListModelsResponse toResponse(List<ModelDescription> models) {
        ListModelsResponse.Builder out = ListModelsResponse.newBuilder();
        for (ModelDescription m : models) {
            out.addModels(ModelInfo.newBuilder()
                    .setName(m.name())
                    .setDimension(m.dimension())
                    .setMaxTokens(m.maxTokens())
                    .setPooling(m.pooling())
                    .setIsDefault(m.isDefault())
                    .setSource(m.source())
                    .setLicense(m.license()));
        }
        return out.build();
    }

    public static dev.tessera.common.grpc.v1.Usage toUsage(Usage usage) {
        return dev.tessera.common.grpc.v1.Usage.newBuilder()
                .setInputTokens(usage.inputTokens())
                .setOutputTokens(usage.outputTokens())
                .setItems(usage.items())
                .setComputeMs(usage.computeMillis())
                .setImages(usage.images())
                .setPixels(usage.pixels())
                .build();
    }
}
