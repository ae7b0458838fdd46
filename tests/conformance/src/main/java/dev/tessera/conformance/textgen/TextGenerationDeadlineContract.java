package dev.tessera.conformance.textgen;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.ask;
import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.longStory;

import dev.tessera.common.grpc.v1.RequestMetadata;
import dev.tessera.conformance.DeadlineContract;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/**
 * The deadline rule on {@code tessera.textgen.v1}; beyond the refusal at the door, a generation that is still running
 * when the metadata's deadline passes is stopped, and the call fails with {@code DEADLINE_EXCEEDED} as the gRPC
 * deadline would fail it.
 */
public abstract class TextGenerationDeadlineContract extends DeadlineContract {

    @Override
    protected void call(RequestMetadata metadata) {
        TextGenerationGrpc.newBlockingStub(channel)
                .generate(ask("Once upon a time")
                        .setMaxTokens(4)
                        .setMetadata(metadata)
                        .build());
    }

    @Test
    void a_generation_still_running_at_the_metadata_deadline_is_stopped_with_deadline_exceeded() {
        RequestMetadata soon = RequestMetadata.newBuilder()
                .setDeadlineUnixMs(System.currentTimeMillis() + 150)
                .build();
        // the whole context is far more than 150 ms of decoding here
        assertFails(
                Status.Code.DEADLINE_EXCEEDED,
                "deadline",
                () -> TextGenerationGrpc.newBlockingStub(channel)
                        .generate(longStory(17).setMetadata(soon).build()));
    }
}
