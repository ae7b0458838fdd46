package dev.tessera.llm;

import dev.tessera.conformance.OipV2Contract;
import dev.tessera.inference.grpc.v2.InferTensorContents;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.List;

/** OIP v2 over the raw decoder: a three-token prefill with an empty KV cache. */
@QuarkusTest
class LlmOipV2Test extends OipV2Contract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected String modelName() {
        return "stories15m";
    }

    /** BOS, "Once", " upon"; positions 0..2; for each of the 6 layers an empty past [1, 6, 0, 48]. */
    @Override
    protected ModelInferRequest validInferRequest() {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder()
                .setModelName(modelName())
                .addInputs(int64("input_ids", List.of(1L, 26222L, 2501L)))
                .addInputs(int64("attention_mask", List.of(1L, 1L, 1L)))
                .addInputs(int64("position_ids", List.of(0L, 1L, 2L)));
        for (int layer = 0; layer < 6; layer++) {
            for (String kind : List.of("key", "value")) {
                request.addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("past_key_values." + layer + "." + kind)
                        .setDatatype("FP32")
                        .addAllShape(List.of(1L, 6L, 0L, 48L))
                        .setContents(InferTensorContents.getDefaultInstance()));
            }
        }
        return request.build();
    }

    private static ModelInferRequest.InferInputTensor int64(String name, List<Long> values) {
        return ModelInferRequest.InferInputTensor.newBuilder()
                .setName(name)
                .setDatatype("INT64")
                .addShape(1)
                .addShape(values.size())
                .setContents(InferTensorContents.newBuilder().addAllInt64Contents(values))
                .build();
    }
}
