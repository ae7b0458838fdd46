package dev.tessera.conformance.textgen;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.OipV2Contract;
import dev.tessera.inference.grpc.v2.InferTensorContents;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import dev.tessera.inference.grpc.v2.ModelMetadataRequest;
import dev.tessera.inference.grpc.v2.ModelMetadataResponse;
import io.grpc.Status;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * OIP v2 on a decoder-with-past model, the service's default: the valid request is a three-token prefill with an empty
 * KV cache for every layer. Layers, KV heads and head size come from the model's own {@code ModelMetadata} (its
 * {@code past_key_values.N.key} inputs, shaped {@code [batch, kv_heads, past, head_size]}), so any decoder export
 * passes without the test knowing its architecture.
 */
public abstract class DecoderOipV2Contract extends OipV2Contract {

    /** Three token ids to prefill: small ids, which every vocabulary has. */
    static final List<Long> TOKENS = List.of(1L, 2L, 3L);

    @Override
    protected String modelName() {
        return ServedModels.defaultModel(channel).getName();
    }

    @Override
    protected ModelInferRequest validInferRequest() {
        String model = modelName();
        ModelMetadataResponse meta = oip.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(model).build());
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder()
                .setModelName(model)
                .addInputs(int64("input_ids", TOKENS))
                .addInputs(int64("attention_mask", TOKENS.stream().map(id -> 1L).toList()))
                .addInputs(int64(
                        "position_ids",
                        LongStream.range(0, TOKENS.size()).boxed().toList()));
        int pasts = 0;
        for (ModelMetadataResponse.TensorMetadata input : meta.getInputsList()) {
            if (input.getName().startsWith("past_key_values.")) {
                assertThat(input.getShapeList())
                        .as("shape of %s", input.getName())
                        .hasSize(4);
                request.addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName(input.getName())
                        .setDatatype(input.getDatatype())
                        .addAllShape(List.of(1L, input.getShape(1), 0L, input.getShape(3)))
                        .setContents(InferTensorContents.getDefaultInstance()));
                pasts++;
            }
        }
        assertThat(pasts)
                .as("past key and value inputs of %s", model)
                .isPositive()
                .isEven();
        return request.build();
    }

    /** A prefill longer than the model's context is refused before ONNX Runtime runs it. */
    @Test
    void rejects_a_prefill_longer_than_the_context() {
        int context = ServedModels.defaultModel(channel).getContextLength();
        ModelInferRequest valid = validInferRequest();
        List<Long> ids = LongStream.range(0, context + 1).map(i -> 1L).boxed().toList();
        ModelInferRequest tooLong = valid.toBuilder()
                .setInputs(0, int64("input_ids", ids))
                .setInputs(1, int64("attention_mask", ids))
                .setInputs(
                        2,
                        int64(
                                "position_ids",
                                LongStream.range(0, context + 1).boxed().toList()))
                .build();
        assertFails(
                Status.Code.INVALID_ARGUMENT, "takes at most " + context + " positions", () -> oip.modelInfer(tooLong));
    }
}
