package dev.tessera.conformance.textgen;

import dev.tessera.textgen.grpc.v1.ListModelsRequest;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.Channel;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a text-generation service says it serves, from its own ListModels: the contracts take the default model, the
 * tool model and the context length from here, so a service's tests need not repeat what its config already says.
 */
public final class ServedModels {

    private ServedModels() {}

    /** Every model, default first. */
    public static List<ModelInfo> all(Channel channel) {
        return TextGenerationGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList();
    }

    /** The model requests get when they name none. */
    public static ModelInfo defaultModel(Channel channel) {
        return all(channel).stream()
                .filter(ModelInfo::getIsDefault)
                .findFirst()
                .orElseThrow(() -> new AssertionError("ListModels marks no model as the default"));
    }

    /** The first model that can call tools. */
    public static ModelInfo toolModel(Channel channel) {
        return all(channel).stream()
                .filter(ModelInfo::getSupportsTools)
                .findFirst()
                .orElseThrow(() -> new AssertionError("ListModels lists no model that supports tools"));
    }
}
