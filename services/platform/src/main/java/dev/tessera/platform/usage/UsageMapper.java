package dev.tessera.platform.usage;

/**
 * Maps {@link Usage} to and from {@code tessera.common.v1.Usage}, the one message every family's response carries: the
 * families write it, the orchestrator reads it to price the call.
 */
public final class UsageMapper {

    private UsageMapper() {}

    public static dev.tessera.common.grpc.v1.Usage toProto(Usage usage) {
        return dev.tessera.common.grpc.v1.Usage.newBuilder()
                .setInputTokens(usage.inputTokens())
                .setOutputTokens(usage.outputTokens())
                .setItems(usage.items())
                .setComputeMs(usage.computeMillis())
                .setImages(usage.images())
                .setPixels(usage.pixels())
                .build();
    }

    public static Usage fromProto(dev.tessera.common.grpc.v1.Usage usage) {
        return new Usage(
                usage.getInputTokens(),
                usage.getOutputTokens(),
                usage.getItems(),
                usage.getComputeMs(),
                usage.getImages(),
                usage.getPixels());
    }
}
