package dev.tessera.mlm.mapping;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.ListModelsResponse;
import dev.tessera.embedding.grpc.v1.ModelInfo;
import dev.tessera.embedding.grpc.v1.Vector;
import dev.tessera.mlm.config.EmbeddingConfig;
import dev.tessera.mlm.service.EmbedCommand;
import dev.tessera.mlm.service.EmbedResult;
import dev.tessera.mlm.service.InputType;
import dev.tessera.mlm.service.ModelDescription;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.platform.grpc.RequestDeadlines;
import dev.tessera.platform.usage.UsageMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Between the embedding contract's messages and the service's domain types, both ways. On the way in it checks what
 * does not depend on the model (counts, sizes, enum values, the deadline), each error naming its field.
 */
@ApplicationScoped
public class EmbeddingMapper {

    private final EmbeddingConfig config;
    private final RequestDeadlines deadlines;

    @Inject
    public EmbeddingMapper(EmbeddingConfig config, RequestDeadlines deadlines) {
        this.config = config;
        this.deadlines = deadlines;
    }

    /** A request as a domain command, or INVALID_ARGUMENT / DEADLINE_EXCEEDED naming the field. */
    public EmbedCommand toCommand(EmbedRequest request) {
        int count = request.getInputsCount();
        if (count == 0) {
            throw ServiceException.invalidArgument("inputs", "at least one input is required");
        }
        if (count > config.maxInputs()) {
            throw ServiceException.invalidArgument(
                    "inputs", "has " + count + " entries; the limit is " + config.maxInputs() + " per request");
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            String input = request.getInputs(i);
            if (input.isBlank()) {
                throw ServiceException.invalidArgument("inputs[" + i + "]", "must not be empty");
            }
            if (input.length() > config.maxInputChars()) {
                throw ServiceException.invalidArgument(
                        "inputs[" + i + "]",
                        "has " + input.length() + " characters; the limit is " + config.maxInputChars());
            }
            total += input.length();
        }
        if (total > config.maxRequestChars()) {
            throw ServiceException.invalidArgument(
                    "inputs",
                    "have " + total + " characters together; the limit is " + config.maxRequestChars()
                            + " per request (split the request)");
        }
        InputType type = toInputType(request.getInputType());
        long deadlineNanos = deadlines.resolve(request.getMetadata(), "metadata");
        return new EmbedCommand(
                List.copyOf(request.getInputsList()),
                type,
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

    public EmbedResponse toResponse(EmbedResult result) {
        EmbedResponse.Builder out = EmbedResponse.newBuilder()
                .setDimension(result.dimension())
                .setModel(result.model())
                .setUsage(UsageMapper.toProto(result.usage()));
        for (EmbedResult.Embedded e : result.vectors()) {
            Vector.Builder v = Vector.newBuilder().setTokenCount(e.tokens()).setTruncated(e.truncated());
            for (float x : e.vector()) {
                v.addValues(x);
            }
            out.addEmbeddings(v);
        }
        return out.build();
    }

    public ListModelsResponse toResponse(List<ModelDescription> models) {
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
}
