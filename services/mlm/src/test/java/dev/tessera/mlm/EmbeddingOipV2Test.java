package dev.tessera.mlm;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static dev.tessera.conformance.embedding.Vectors.cosine;
import static dev.tessera.mlm.MlmTestSupport.embed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.tessera.conformance.OipV2Contract;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.inference.grpc.v2.InferTensorContents;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import dev.tessera.inference.grpc.v2.ModelInferResponse;
import dev.tessera.inference.grpc.v2.ModelMetadataRequest;
import dev.tessera.inference.grpc.v2.ModelMetadataResponse;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

    private static final List<String> TEXTS =
            List.of("how do plants make food", "Canberra is the capital of Australia.");

    private static ModelInferRequest.InferInputTensor text(List<ByteString> texts) {
        return ModelInferRequest.InferInputTensor.newBuilder()
                .setName("text")
                .setDatatype("BYTES")
                .addShape(texts.size())
                .setContents(InferTensorContents.newBuilder().addAllBytesContents(texts))
                .build();
    }

    private static List<ByteString> utf8(List<String> texts) {
        return texts.stream().map(ByteString::copyFromUtf8).toList();
    }

    private List<float[]> viaEmbed() {
        return embed(EmbeddingGrpc.newBlockingStub(channel), modelName(), InputType.INPUT_TYPE_UNSPECIFIED, TEXTS);
    }

    private static void assertSameVectors(List<Float> flat, List<float[]> expected) {
        int dim = expected.get(0).length;
        assertThat(flat).hasSize(expected.size() * dim);
        for (int i = 0; i < expected.size(); i++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = flat.get(i * dim + d);
            }
            assertThat(cosine(v, expected.get(i))).isGreaterThanOrEqualTo(0.99999);
        }
    }

    @Test
    void metadata_offers_a_text_input_and_an_embedding_output() {
        ModelMetadataResponse meta = oip.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(modelName()).build());
        assertThat(meta.getInputsList()).anySatisfy(t -> {
            assertThat(t.getName()).isEqualTo("text");
            assertThat(t.getDatatype()).isEqualTo("BYTES");
            assertThat(t.getShapeList()).containsExactly(-1L);
        });
        assertThat(meta.getOutputsList()).anySatisfy(t -> {
            assertThat(t.getName()).isEqualTo("embedding");
            assertThat(t.getDatatype()).isEqualTo("FP32");
            assertThat(t.getShapeList()).containsExactly(-1L, 384L);
        });
    }

    @Test
    void texts_as_bytes_get_the_vectors_embed_gives_typed_and_raw() {
        ModelInferResponse typed = oip.modelInfer(ModelInferRequest.newBuilder()
                .setModelName(modelName())
                .addInputs(text(utf8(TEXTS)))
                .build());
        assertThat(typed.getOutputs(0).getName()).isEqualTo("embedding");
        assertThat(typed.getOutputs(0).getShapeList()).containsExactly(2L, 384L);
        List<float[]> expected = viaEmbed();
        assertSameVectors(typed.getOutputs(0).getContents().getFp32ContentsList(), expected);

        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (String t : TEXTS) {
            byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
            raw.writeBytes(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(bytes.length)
                    .array());
            raw.writeBytes(bytes);
        }
        ModelInferResponse rawAnswer = oip.modelInfer(ModelInferRequest.newBuilder()
                .setModelName(modelName())
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("text")
                        .setDatatype("BYTES")
                        .addShape(2))
                .addRawInputContents(ByteString.copyFrom(raw.toByteArray()))
                .build());
        float[] values = new float[2 * 384];
        rawAnswer
                .getRawOutputContents(0)
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(values);
        List<Float> flat = new java.util.ArrayList<>();
        for (float v : values) {
            flat.add(v);
        }
        assertSameVectors(flat, expected);
    }

    @Test
    void texts_as_json_strings_over_rest_get_the_same_vectors() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode body = json.createObjectNode();
        ObjectNode input = body.putArray("inputs").addObject();
        input.put("name", "text").put("datatype", "BYTES").putArray("shape").add(2);
        TEXTS.forEach(input.putArray("data")::add);
        Rest answer = rest("POST", "/v2/models/" + modelName() + "/infer", body);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        JsonNode out = answer.body().path("outputs").get(0);
        assertThat(out.path("name").asText()).isEqualTo("embedding");
        List<Float> flat = new java.util.ArrayList<>();
        out.path("data").forEach(v -> flat.add((float) v.asDouble()));
        assertSameVectors(flat, viaEmbed());
    }

    @Test
    void bad_texts_are_refused_naming_the_element() {
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "inputs[0].contents.bytes_contents[1]",
                () -> oip.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName(modelName())
                        .addInputs(text(List.of(ByteString.copyFromUtf8("fine"), ByteString.EMPTY)))
                        .build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "inputs[0].contents.bytes_contents[0]: is not valid UTF-8",
                () -> oip.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName(modelName())
                        .addInputs(text(List.of(ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28}))))
                        .build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "inputs[0].contents.bytes_contents: has 2 texts; inputs[0].shape says 3",
                () -> oip.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName(modelName())
                        .addInputs(text(utf8(TEXTS)).toBuilder().setShape(0, 3))
                        .build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "raw_input_contents[0]",
                () -> oip.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName(modelName())
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("text")
                                .setDatatype("BYTES")
                                .addShape(1))
                        .addRawInputContents(ByteString.copyFrom(new byte[] {9, 0, 0, 0, 'a'}))
                        .build()));
    }
}
