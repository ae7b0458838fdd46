package dev.tessera.conformance.textgen;

import dev.tessera.conformance.OipV2Contract;
import dev.tessera.inference.grpc.v2.InferTensorContents;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import java.util.List;
import java.util.stream.LongStream;

/**
 * OIP v2 on a decoder-with-past model: the valid request is a three-token prefill (BOS and two tokens) with an empty
 * KV cache for every layer.
 */
public abstract class DecoderOipV2Contract extends OipV2Contract {

    /** Transformer layers, each with a past key and value input. */
    protected abstract int layers();

    /** KV heads of each past tensor. */
    protected abstract int kvHeads();

    /** The size of each head. */
    protected abstract int headSize();

    /** Three token ids to prefill. */
    protected abstract List<Long> tokens();

    @Override
    protected ModelInferRequest validInferRequest() {
        List<Long> ids = tokens();
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder()
                .setModelName(modelName())
                .addInputs(int64("input_ids", ids))
                .addInputs(int64("attention_mask", ids.stream().map(id -> 1L).toList()))
                .addInputs(int64(
                        "position_ids", LongStream.range(0, ids.size()).boxed().toList()));
        for (int layer = 0; layer < layers(); layer++) {
            for (String kind : List.of("key", "value")) {
                request.addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("past_key_values." + layer + "." + kind)
                        .setDatatype("FP32")
                        .addAllShape(List.of(1L, (long) kvHeads(), 0L, (long) headSize()))
                        .setContents(InferTensorContents.getDefaultInstance()));
            }
        }
        return request.build();
    }
}
