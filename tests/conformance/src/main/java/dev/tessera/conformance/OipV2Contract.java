package dev.tessera.conformance;

import static dev.tessera.conformance.GrpcAssertions.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.tessera.inference.grpc.v2.GRPCInferenceServiceGrpc;
import dev.tessera.inference.grpc.v2.InferTensorContents;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import dev.tessera.inference.grpc.v2.ModelInferRequest.InferInputTensor;
import dev.tessera.inference.grpc.v2.ModelInferResponse;
import dev.tessera.inference.grpc.v2.ModelMetadataRequest;
import dev.tessera.inference.grpc.v2.ModelMetadataResponse;
import dev.tessera.inference.grpc.v2.ModelReadyRequest;
import dev.tessera.inference.grpc.v2.ServerLiveRequest;
import dev.tessera.inference.grpc.v2.ServerMetadataRequest;
import dev.tessera.inference.grpc.v2.ServerReadyRequest;
import io.grpc.Status;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The KServe Open Inference Protocol v2 contract: all six rpcs, typed and raw tensors, and a clear
 * {@code INVALID_ARGUMENT} or {@code NOT_FOUND} naming the field for every malformed request, after which the service
 * still serves. A family supplies one model name and one valid request with typed contents; the contract derives the
 * rest.
 */
public abstract class OipV2Contract extends ServiceContract {

    protected GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip;

    /** A model the service under test serves. */
    protected abstract String modelName();

    /** A valid ModelInfer request for {@link #modelName()}, with typed contents. */
    protected abstract ModelInferRequest validInferRequest();

    /** A {@code [1, n]} INT64 input with typed contents, the shape token ids and masks take. */
    protected static ModelInferRequest.InferInputTensor int64(String name, List<Long> values) {
        return ModelInferRequest.InferInputTensor.newBuilder()
                .setName(name)
                .setDatatype("INT64")
                .addShape(1)
                .addShape(values.size())
                .setContents(InferTensorContents.newBuilder().addAllInt64Contents(values))
                .build();
    }

    @BeforeEach
    void stub() {
        oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @Test
    void server_is_live_and_ready() {
        assertThat(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
                .isTrue();
        assertThat(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
                .isTrue();
    }

    @Test
    void server_metadata_names_the_server() {
        assertThat(oip.serverMetadata(ServerMetadataRequest.getDefaultInstance())
                        .getName())
                .isNotBlank();
    }

    @Test
    void model_is_ready_and_unknown_model_is_not_found() {
        assertThat(oip.modelReady(ModelReadyRequest.newBuilder()
                                .setName(modelName())
                                .build())
                        .getReady())
                .isTrue();
        assertFails(
                Status.Code.NOT_FOUND,
                "name",
                () -> oip.modelReady(
                        ModelReadyRequest.newBuilder().setName("no-such-model").build()));
        assertFails(Status.Code.INVALID_ARGUMENT, "name", () -> oip.modelReady(ModelReadyRequest.getDefaultInstance()));
    }

    @Test
    void model_metadata_describes_every_input_of_the_valid_request() {
        ModelMetadataResponse meta = oip.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(modelName()).build());
        assertThat(meta.getName()).isEqualTo(modelName());
        assertThat(meta.getVersionsList()).isNotEmpty();
        assertThat(meta.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(meta.getOutputsList()).isNotEmpty();
        for (InferInputTensor input : validInferRequest().getInputsList()) {
            assertThat(meta.getInputsList()).anySatisfy(t -> {
                assertThat(t.getName()).isEqualTo(input.getName());
                assertThat(t.getDatatype()).isEqualTo(input.getDatatype());
                assertThat(t.getShapeCount()).isEqualTo(input.getShapeCount());
            });
        }
        assertFails(
                Status.Code.NOT_FOUND,
                "name",
                () -> oip.modelMetadata(ModelMetadataRequest.newBuilder()
                        .setName("no-such-model")
                        .build()));
    }

    @Test
    void infers_with_typed_contents() {
        ModelInferResponse response =
                oip.modelInfer(validInferRequest().toBuilder().setId("typed-1").build());
        assertThat(response.getModelName()).isEqualTo(modelName());
        assertThat(response.getId()).isEqualTo("typed-1");
        assertThat(response.getOutputsList()).isNotEmpty();
        for (ModelInferResponse.InferOutputTensor out : response.getOutputsList()) {
            assertThat(elementCount(out.getContents(), out.getDatatype()))
                    .as("elements of output %s", out.getName())
                    .isEqualTo(product(out.getShapeList()));
        }
    }

    @Test
    void infers_with_raw_contents_to_the_same_values() {
        ModelInferResponse typed = oip.modelInfer(validInferRequest());
        ModelInferResponse raw = oip.modelInfer(toRaw(validInferRequest()));
        assertThat(raw.getRawOutputContentsCount()).isEqualTo(raw.getOutputsCount());
        for (int i = 0; i < raw.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor t = typed.getOutputs(i);
            assertThat(raw.getOutputs(i).getShapeList()).isEqualTo(t.getShapeList());
            if ("FP32".equals(t.getDatatype())) {
                ByteBuffer bytes =
                        raw.getRawOutputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                assertThat(bytes.remaining()).isEqualTo(t.getContents().getFp32ContentsCount() * 4);
                for (int j = 0; j < t.getContents().getFp32ContentsCount(); j++) {
                    assertThat(bytes.getFloat()).isEqualTo(t.getContents().getFp32Contents(j));
                }
            }
        }
    }

    @Test
    void rejects_a_wrong_datatype_naming_the_field() {
        ModelInferRequest valid = validInferRequest();
        String wrong = "FP32".equals(valid.getInputs(0).getDatatype()) ? "INT64" : "FP32";
        ModelInferRequest bad = valid.toBuilder()
                .setInputs(0, valid.getInputs(0).toBuilder().setDatatype(wrong))
                .build();
        assertFails(Status.Code.INVALID_ARGUMENT, "inputs[0].datatype", () -> oip.modelInfer(bad));
    }

    @Test
    void rejects_a_wrong_shape_naming_the_field() {
        ModelInferRequest valid = validInferRequest();
        ModelInferRequest bad = valid.toBuilder()
                .setInputs(0, valid.getInputs(0).toBuilder().addShape(1))
                .build();
        assertFails(Status.Code.INVALID_ARGUMENT, "inputs[0].shape", () -> oip.modelInfer(bad));
    }

    @Test
    void rejects_contents_that_do_not_fill_the_shape() {
        ModelInferRequest valid = validInferRequest();
        InferInputTensor first = valid.getInputs(0);
        int last = first.getShapeCount() - 1;
        ModelInferRequest bad = valid.toBuilder()
                .setInputs(0, first.toBuilder().setShape(last, first.getShape(last) + 1))
                .build();
        assertFails(Status.Code.INVALID_ARGUMENT, "inputs[0].contents", () -> oip.modelInfer(bad));
    }

    @Test
    void rejects_a_wrong_raw_byte_count_naming_the_field() {
        ModelInferRequest raw = toRaw(validInferRequest());
        ByteString short0 = raw.getRawInputContents(0).substring(1);
        ModelInferRequest bad = raw.toBuilder().setRawInputContents(0, short0).build();
        assertFails(Status.Code.INVALID_ARGUMENT, "raw_input_contents[0]", () -> oip.modelInfer(bad));
    }

    /**
     * The second input made one element longer than the first: its shared dimension (the sequence, or the positions
     * the mask covers) disagrees, which is INVALID_ARGUMENT naming that input before ONNX Runtime runs.
     */
    @Test
    void rejects_inputs_that_disagree_on_a_shared_dimension_naming_the_input() {
        ModelInferRequest valid = validInferRequest();
        InferInputTensor second = valid.getInputs(1);
        assertThat(second.getDatatype()).as("the valid request's second input").isEqualTo("INT64");
        int last = second.getShapeCount() - 1;
        InferInputTensor longer = second.toBuilder()
                .setShape(last, second.getShape(last) + 1)
                .setContents(second.getContents().toBuilder().addInt64Contents(1L))
                .build();
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "inputs[1].shape",
                () -> oip.modelInfer(valid.toBuilder().setInputs(1, longer).build()));
    }

    /** A negative token id would index the embedding table from its end; it is refused, naming the element. */
    @Test
    void rejects_a_negative_token_id_naming_the_input() {
        ModelInferRequest valid = validInferRequest();
        InferInputTensor ids = valid.getInputs(0);
        assertThat(ids.getName()).isEqualTo("input_ids");
        ModelInferRequest bad = valid.toBuilder()
                .setInputs(
                        0,
                        ids.toBuilder()
                                .setContents(ids.getContents().toBuilder().setInt64Contents(0, -1L)))
                .build();
        assertFails(Status.Code.INVALID_ARGUMENT, "inputs[0].contents", () -> oip.modelInfer(bad));
    }

    /**
     * A request of 5 MiB, over gRPC's 4 MiB default, reaches the service (its max-inbound-message-size is 16 MiB) and
     * is answered about its content, not refused by the transport.
     */
    @Test
    void takes_a_message_larger_than_grpcs_4_mib_default() {
        ModelInferRequest raw = toRaw(validInferRequest());
        ModelInferRequest large = raw.toBuilder()
                .setRawInputContents(0, ByteString.copyFrom(new byte[5 * 1024 * 1024]))
                .build();
        assertFails(Status.Code.INVALID_ARGUMENT, "raw_input_contents[0]", () -> oip.modelInfer(large));
    }

    @Test
    void rejects_unknown_model_input_and_output() {
        ModelInferRequest valid = validInferRequest();
        assertFails(
                Status.Code.NOT_FOUND,
                "model_name",
                () -> oip.modelInfer(
                        valid.toBuilder().setModelName("no-such-model").build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "model_name",
                () -> oip.modelInfer(valid.toBuilder().setModelName("").build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "inputs[0].name",
                () -> oip.modelInfer(valid.toBuilder()
                        .setInputs(0, valid.getInputs(0).toBuilder().setName("no_such_input"))
                        .build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "outputs[0].name",
                () -> oip.modelInfer(valid.toBuilder()
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("no_such_output"))
                        .build()));
        assertFails(
                Status.Code.INVALID_ARGUMENT,
                "inputs",
                () -> oip.modelInfer(valid.toBuilder().clearInputs().build()));
    }

    @Test
    void stays_up_and_correct_after_bad_requests() {
        ModelInferRequest valid = validInferRequest();
        ModelInferResponse before = oip.modelInfer(valid);
        for (int i = 0; i < 5; i++) {
            assertFails(
                    Status.Code.INVALID_ARGUMENT,
                    "raw_input_contents",
                    () -> oip.modelInfer(valid.toBuilder()
                            .addRawInputContents(ByteString.copyFrom(new byte[3]))
                            .build()));
        }
        assertThat(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
                .isTrue();
        assertThat(oip.modelInfer(valid).getOutputsList()).isEqualTo(before.getOutputsList());
    }

    /** The status and JSON body of a call to the REST side of OIP v2 on the service's HTTP port. */
    protected record Rest(int status, JsonNode body) {}

    protected Rest rest(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(serviceUri().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(REST_JSON.writeValueAsString(body)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Rest(response.statusCode(), REST_JSON.readTree(response.body()));
    }

    private static final ObjectMapper REST_JSON = new ObjectMapper();

    /** The valid request as KServe's JSON: typed contents become {@code "data"} arrays. */
    protected static ObjectNode toJson(ModelInferRequest request) {
        ObjectNode body = REST_JSON.createObjectNode().put("id", "rest-1");
        ArrayNode inputs = body.putArray("inputs");
        for (InferInputTensor input : request.getInputsList()) {
            ObjectNode t = inputs.addObject().put("name", input.getName()).put("datatype", input.getDatatype());
            input.getShapeList().forEach(t.putArray("shape")::add);
            ArrayNode data = t.putArray("data");
            InferTensorContents c = input.getContents();
            switch (input.getDatatype()) {
                case "INT64" -> c.getInt64ContentsList().forEach(data::add);
                case "INT32" -> c.getIntContentsList().forEach(data::add);
                case "FP32" -> c.getFp32ContentsList().forEach(data::add);
                case "BOOL" -> c.getBoolContentsList().forEach(data::add);
                default -> throw new IllegalArgumentException("the kit cannot write " + input.getDatatype());
            }
        }
        return body;
    }

    @Test
    void rest_health_and_metadata_agree_with_grpc() throws Exception {
        assertThat(rest("GET", "/v2/health/live", null).body().path("live").asBoolean())
                .isTrue();
        Rest ready = rest("GET", "/v2/health/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().path("ready").asBoolean()).isTrue();
        assertThat(rest("GET", "/v2", null).body().path("name").asText()).isNotBlank();
        assertThat(rest("GET", "/v2/models/" + modelName() + "/ready", null)
                        .body()
                        .path("ready")
                        .asBoolean())
                .isTrue();
        ModelMetadataResponse grpc = oip.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(modelName()).build());
        JsonNode meta = rest("GET", "/v2/models/" + modelName(), null).body();
        assertThat(meta.path("name").asText()).isEqualTo(modelName());
        assertThat(meta.path("platform").asText()).isEqualTo(grpc.getPlatform());
        assertThat(meta.path("inputs")).hasSize(grpc.getInputsCount());
        for (int i = 0; i < grpc.getInputsCount(); i++) {
            JsonNode t = meta.path("inputs").get(i);
            assertThat(t.path("name").asText()).isEqualTo(grpc.getInputs(i).getName());
            assertThat(t.path("datatype").asText()).isEqualTo(grpc.getInputs(i).getDatatype());
            List<Long> shape = new ArrayList<>();
            t.path("shape").forEach(d -> shape.add(d.asLong()));
            assertThat(shape).isEqualTo(grpc.getInputs(i).getShapeList());
        }
    }

    @Test
    void rest_infer_gives_the_same_outputs_as_grpc() throws Exception {
        ModelInferResponse grpc = oip.modelInfer(validInferRequest());
        Rest rest = rest("POST", "/v2/models/" + modelName() + "/infer", toJson(validInferRequest()));
        assertThat(rest.status()).as("%s", rest.body()).isEqualTo(200);
        assertThat(rest.body().path("model_name").asText()).isEqualTo(modelName());
        assertThat(rest.body().path("id").asText()).isEqualTo("rest-1");
        JsonNode outputs = rest.body().path("outputs");
        assertThat(outputs).hasSize(grpc.getOutputsCount());
        for (int i = 0; i < grpc.getOutputsCount(); i++) {
            ModelInferResponse.InferOutputTensor expected = grpc.getOutputs(i);
            JsonNode actual = outputs.get(i);
            assertThat(actual.path("name").asText()).isEqualTo(expected.getName());
            List<Long> shape = new ArrayList<>();
            actual.path("shape").forEach(d -> shape.add(d.asLong()));
            assertThat(shape).isEqualTo(expected.getShapeList());
            if ("FP32".equals(expected.getDatatype())) {
                JsonNode data = actual.path("data");
                assertThat(data).hasSize(expected.getContents().getFp32ContentsCount());
                for (int j = 0; j < data.size(); j++) {
                    assertThat((float) data.get(j).asDouble())
                            .isEqualTo(expected.getContents().getFp32Contents(j));
                }
            }
        }
    }

    @Test
    void rest_errors_carry_the_http_status_and_name_the_field() throws Exception {
        Rest unknown = rest("POST", "/v2/models/no-such-model/infer", toJson(validInferRequest()));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("error").asText()).contains("model_name").contains("no model");
        ObjectNode wrong = toJson(validInferRequest());
        String datatype = wrong.path("inputs").get(0).path("datatype").asText();
        ((ObjectNode) wrong.path("inputs").get(0)).put("datatype", "FP32".equals(datatype) ? "INT64" : "FP32");
        Rest bad = rest("POST", "/v2/models/" + modelName() + "/infer", wrong);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("error").asText()).startsWith("inputs[0]");
        ObjectNode notNumbers = toJson(validInferRequest());
        ((ArrayNode) notNumbers.path("inputs").get(0).path("data"))
                .set(0, REST_JSON.getNodeFactory().textNode("x"));
        Rest text = rest("POST", "/v2/models/" + modelName() + "/infer", notNumbers);
        assertThat(text.status()).isEqualTo(400);
        assertThat(text.body().path("error").asText()).startsWith("inputs[0].data[0]");
        HttpResponse<String> notJson = HTTP.send(
                HttpRequest.newBuilder(serviceUri().resolve("/v2/models/" + modelName() + "/infer"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(notJson.statusCode()).as("%s", notJson.body()).isEqualTo(400);
    }

    /** The same request with every input moved into raw little-endian bytes. */
    protected static ModelInferRequest toRaw(ModelInferRequest typed) {
        ModelInferRequest.Builder raw = typed.toBuilder().clearRawInputContents();
        for (int i = 0; i < typed.getInputsCount(); i++) {
            InferInputTensor input = typed.getInputs(i);
            raw.setInputs(i, input.toBuilder().clearContents());
            raw.addRawInputContents(rawBytes(input.getContents(), input.getDatatype()));
        }
        return raw.build();
    }

    private static ByteString rawBytes(InferTensorContents c, String datatype) {
        ByteBuffer b;
        switch (datatype) {
            case "INT64" -> {
                b = ByteBuffer.allocate(c.getInt64ContentsCount() * 8).order(ByteOrder.LITTLE_ENDIAN);
                c.getInt64ContentsList().forEach(b::putLong);
            }
            case "INT32" -> {
                b = ByteBuffer.allocate(c.getIntContentsCount() * 4).order(ByteOrder.LITTLE_ENDIAN);
                c.getIntContentsList().forEach(b::putInt);
            }
            case "FP32" -> {
                b = ByteBuffer.allocate(c.getFp32ContentsCount() * 4).order(ByteOrder.LITTLE_ENDIAN);
                c.getFp32ContentsList().forEach(b::putFloat);
            }
            case "FP64" -> {
                b = ByteBuffer.allocate(c.getFp64ContentsCount() * 8).order(ByteOrder.LITTLE_ENDIAN);
                c.getFp64ContentsList().forEach(b::putDouble);
            }
            case "BOOL" -> {
                b = ByteBuffer.allocate(c.getBoolContentsCount());
                c.getBoolContentsList().forEach(v -> b.put((byte) (v ? 1 : 0)));
            }
            default -> throw new IllegalArgumentException("the kit cannot convert " + datatype + " to raw");
        }
        b.flip();
        return ByteString.copyFrom(b);
    }

    private static long elementCount(InferTensorContents c, String datatype) {
        return switch (datatype) {
            case "BOOL" -> c.getBoolContentsCount();
            case "INT8", "INT16", "INT32" -> c.getIntContentsCount();
            case "UINT8", "UINT16", "UINT32" -> c.getUintContentsCount();
            case "INT64" -> c.getInt64ContentsCount();
            case "UINT64" -> c.getUint64ContentsCount();
            case "FP32" -> c.getFp32ContentsCount();
            case "FP64" -> c.getFp64ContentsCount();
            default -> c.getBytesContentsCount();
        };
    }

    private static long product(List<Long> shape) {
        return shape.stream().reduce(1L, Math::multiplyExact);
    }
}
