package dev.tessera.platform.usage;

/** Maps {@link Usage} onto {@code tessera.common.v1.Usage}, the one message every family's response carries. */
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
}
