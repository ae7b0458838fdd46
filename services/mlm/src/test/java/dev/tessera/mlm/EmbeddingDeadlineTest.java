package dev.tessera.mlm;

import dev.tessera.common.grpc.v1.RequestMetadata;
import dev.tessera.conformance.DeadlineContract;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class EmbeddingDeadlineTest extends DeadlineContract {

    @Override
    protected void call(RequestMetadata metadata) {
        EmbeddingGrpc.newBlockingStub(channel)
                .embed(EmbedRequest.newBuilder()
                        .addInputs("due soon")
                        .setMetadata(metadata)
                        .build());
    }
}
