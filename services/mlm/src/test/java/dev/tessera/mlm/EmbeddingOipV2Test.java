package dev.tessera.mlm;

import dev.tessera.conformance.OipV2Contract;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
class EmbeddingOipV2Test extends OipV2Contract {

    @Override
    protected String modelName() {
        return "e5-small-v2-q";
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
}
