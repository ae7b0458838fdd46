package dev.tessera.mlm;

import static dev.tessera.conformance.GrpcAssertions.assertFails;

import dev.tessera.conformance.OipV2Contract;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EmbeddingOipV2Test extends OipV2Contract {

    @Override
    protected String modelName() {
        return "e5-small-v2-q8";
    }

    /** "[CLS] hello world [SEP]" in the BERT uncased vocabulary that E5 uses. */
    @Override
    protected ModelInferRequest validInferRequest() {
        return ModelInferRequest.newBuilder()
                .setModelName(modelName())
                .addInputs(int64("input_ids", List.of(101L, 7592L, 2088L, 102L)))
                .addInputs(int64("attention_mask", List.of(1L, 1L, 1L, 1L)))
                .addInputs(int64("token_type_ids", List.of(0L, 0L, 0L, 0L)))
                .build();
    }

    /** e5 has 512 positions; a longer sequence is refused before ONNX Runtime would index past its table. */
    @Test
    void rejects_a_sequence_longer_than_the_models_positions() {
        List<Long> ids = Collections.nCopies(513, 7592L);
        List<Long> ones = Collections.nCopies(513, 1L);
        ModelInferRequest tooLong = ModelInferRequest.newBuilder()
                .setModelName(modelName())
                .addInputs(int64("input_ids", ids))
                .addInputs(int64("attention_mask", ones))
                .addInputs(int64("token_type_ids", Collections.nCopies(513, 0L)))
                .build();
        assertFails(Status.Code.INVALID_ARGUMENT, "at most 512 positions", () -> oip.modelInfer(tooLong));
    }
}
