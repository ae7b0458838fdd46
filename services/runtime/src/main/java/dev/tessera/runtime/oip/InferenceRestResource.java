package dev.tessera.runtime.oip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.tessera.inference.grpc.v2.InferTensorContents;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import dev.tessera.inference.grpc.v2.ModelInferResponse;
import dev.tessera.inference.grpc.v2.ModelMetadataRequest;
import dev.tessera.inference.grpc.v2.ModelMetadataResponse;
import dev.tessera.inference.grpc.v2.ModelReadyRequest;
import dev.tessera.platform.error.GrpcErrors;
import dev.tessera.platform.error.ServiceException;
import io.grpc.Status;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * KServe's Open Inference Protocol v2 over REST, on each service's HTTP port: health, server and model metadata, and
 * inference with JSON tensors ({@code "data"} flat or nested, row-major). Requests are mapped to the protocol's
 * messages and served by {@link OipInference}, exactly as over gRPC, so both transports check and answer alike; an
 * error is {@code {"error": "..."}} with the HTTP status of its gRPC code (400, 404, 429, 503, 504, 500).
 */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class InferenceRestResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OipInference oip;

    @Inject
    public InferenceRestResource(OipInference oip) {
        this.oip = oip;
    }

    @GET
    public ObjectNode serverMetadata() {
        var meta = oip.serverMetadata();
        ObjectNode out = JSON.createObjectNode().put("name", meta.getName()).put("version", meta.getVersion());
        out.putArray("extensions");
        return out;
    }

    @GET
    @Path("/health/live")
    public ObjectNode live() {
        return JSON.createObjectNode().put("live", true);
    }

    @GET
    @Path("/health/ready")
    public Response ready() {
        boolean ready = oip.serverReady();
        return Response.status(ready ? 200 : 503)
                .entity(JSON.createObjectNode().put("ready", ready))
                .build();
    }

    @GET
    @Path("/models/{model}")
    public ObjectNode modelMetadata(@PathParam("model") String model) {
        return modelMetadata(model, "");
    }

    @GET
    @Path("/models/{model}/versions/{version}")
    public ObjectNode modelMetadata(@PathParam("model") String model, @PathParam("version") String version) {
        ModelMetadataResponse meta = oip.modelMetadata(ModelMetadataRequest.newBuilder()
                .setName(model)
                .setVersion(version)
                .build());
        ObjectNode out = JSON.createObjectNode().put("name", meta.getName()).put("platform", meta.getPlatform());
        meta.getVersionsList().forEach(out.putArray("versions")::add);
        ArrayNode inputs = out.putArray("inputs");
        meta.getInputsList().forEach(t -> inputs.add(tensor(t.getName(), t.getDatatype(), t.getShapeList())));
        ArrayNode outputs = out.putArray("outputs");
        meta.getOutputsList().forEach(t -> outputs.add(tensor(t.getName(), t.getDatatype(), t.getShapeList())));
        return out;
    }

    @GET
    @Path("/models/{model}/ready")
    public ObjectNode modelReady(@PathParam("model") String model) {
        return modelReady(model, "");
    }

    @GET
    @Path("/models/{model}/versions/{version}/ready")
    public ObjectNode modelReady(@PathParam("model") String model, @PathParam("version") String version) {
        boolean ready = oip.modelReady(ModelReadyRequest.newBuilder()
                        .setName(model)
                        .setVersion(version)
                        .build())
                .getReady();
        return JSON.createObjectNode().put("name", model).put("ready", ready);
    }

    @POST
    @Path("/models/{model}/infer")
    @Consumes(MediaType.APPLICATION_JSON)
    public ObjectNode infer(@PathParam("model") String model, JsonNode body) {
        return infer(model, "", body);
    }

    @POST
    @Path("/models/{model}/versions/{version}/infer")
    @Consumes(MediaType.APPLICATION_JSON)
    public ObjectNode infer(@PathParam("model") String model, @PathParam("version") String version, JsonNode body) {
        ModelInferResponse response = oip.infer(toRequest(model, version, body));
        ObjectNode out = JSON.createObjectNode()
                .put("model_name", response.getModelName())
                .put("model_version", response.getModelVersion());
        if (!response.getId().isEmpty()) {
            out.put("id", response.getId());
        }
        ArrayNode outputs = out.putArray("outputs");
        for (ModelInferResponse.InferOutputTensor t : response.getOutputsList()) {
            if (response.getRawOutputContentsCount() > 0) {
                throw ServiceException.failedPrecondition(
                        "outputs", "output '" + t.getName() + "' is " + t.getDatatype() + ", which JSON cannot carry");
            }
            ObjectNode tensor = tensor(t.getName(), t.getDatatype(), t.getShapeList());
            JsonContents.write(t.getDatatype(), t.getContents(), tensor.putArray("data"));
            outputs.add(tensor);
        }
        return out;
    }

    /** A JSON inference request as the protocol's message, with typed contents; each error names its field. */
    static ModelInferRequest toRequest(String model, String version, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ServiceException.invalidArgument("body", "must be a JSON object with \"inputs\"");
        }
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder()
                .setModelName(model)
                .setModelVersion(version)
                .setId(body.path("id").asText(""));
        JsonNode inputs = body.path("inputs");
        if (!inputs.isArray()) {
            throw ServiceException.invalidArgument("inputs", "must be an array of tensors");
        }
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            String field = "inputs[" + i + "]";
            ModelInferRequest.InferInputTensor.Builder tensor = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(input.path("name").asText(""))
                    .setDatatype(input.path("datatype").asText(""));
            JsonNode shape = input.path("shape");
            if (!shape.isArray()) {
                throw ServiceException.invalidArgument(field + ".shape", "must be an array of dimensions");
            }
            for (int d = 0; d < shape.size(); d++) {
                if (!shape.get(d).canConvertToLong() || !shape.get(d).isIntegralNumber()) {
                    throw ServiceException.invalidArgument(
                            field + ".shape[" + d + "]", "must be a whole number, got " + shape.get(d));
                }
                tensor.addShape(shape.get(d).asLong());
            }
            List<JsonNode> data = new ArrayList<>();
            flatten(input.path("data"), data, field + ".data");
            tensor.setContents(JsonContents.read(tensor.getDatatype(), data, field));
            request.addInputs(tensor);
        }
        JsonNode outputs = body.path("outputs");
        if (outputs.isArray()) {
            for (JsonNode output : outputs) {
                request.addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName(output.path("name").asText("")));
            }
        }
        return request.build();
    }

    private static void flatten(JsonNode node, List<JsonNode> out, String field) {
        if (node.isMissingNode() || node.isNull()) {
            throw ServiceException.invalidArgument(field, "is required: the tensor's elements, row-major");
        }
        if (node.isArray()) {
            node.forEach(child -> {
                if (child.isArray()) {
                    flatten(child, out, field);
                } else {
                    out.add(child);
                }
            });
        } else {
            out.add(node);
        }
    }

    private static ObjectNode tensor(String name, String datatype, List<Long> shape) {
        ObjectNode t = JSON.createObjectNode().put("name", name).put("datatype", datatype);
        shape.forEach(t.putArray("shape")::add);
        return t;
    }

    /** Any failure as {@code {"error": ...}} with the HTTP status of the gRPC code the same failure gets over gRPC. */
    @ServerExceptionMapper
    public Response failure(Exception failure) {
        if (failure instanceof WebApplicationException web) {
            return error(web.getResponse().getStatus(), web.getMessage());
        }
        if (failure instanceof JsonProcessingException json) {
            return error(400, "body: not valid JSON: " + json.getOriginalMessage());
        }
        Status status = GrpcErrors.toStatus(failure).getStatus();
        int http = switch (status.getCode()) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case RESOURCE_EXHAUSTED -> 429;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
        return error(http, status.getDescription());
    }

    private static Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(JSON.createObjectNode().put("error", message))
                .build();
    }

    /** Typed tensor contents to and from JSON arrays. */
    static final class JsonContents {

        private JsonContents() {}

        static InferTensorContents read(String datatype, List<JsonNode> data, String field) {
            InferTensorContents.Builder c = InferTensorContents.newBuilder();
            for (int j = 0; j < data.size(); j++) {
                JsonNode v = data.get(j);
                String at = field + ".data[" + j + "]";
                switch (datatype) {
                    case "BOOL" ->
                        c.addBoolContents(
                                require(v.isBoolean(), v, at, "true or false").asBoolean());
                    case "INT8", "INT16", "INT32" ->
                        c.addIntContents(require(v.canConvertToInt() && v.isIntegralNumber(), v, at, "an int32")
                                .asInt());
                    case "UINT8", "UINT16", "UINT32" ->
                        c.addUintContents((int) require(
                                        v.isIntegralNumber() && v.asLong() >= 0 && v.asLong() <= 0xFFFFFFFFL,
                                        v,
                                        at,
                                        "an unsigned int32")
                                .asLong());
                    case "INT64" ->
                        c.addInt64Contents(require(v.canConvertToLong() && v.isIntegralNumber(), v, at, "an int64")
                                .asLong());
                    case "FP32" ->
                        c.addFp32Contents(
                                (float) require(v.isNumber(), v, at, "a number").asDouble());
                    case "FP64" ->
                        c.addFp64Contents(
                                require(v.isNumber(), v, at, "a number").asDouble());
                    case "BYTES" ->
                        c.addBytesContents(ByteString.copyFromUtf8(
                                require(v.isTextual(), v, at, "a string").asText()));
                    default ->
                        throw ServiceException.invalidArgument(
                                field + ".datatype",
                                "is '" + datatype + "', which JSON cannot carry here; send BOOL, INT8 to INT64,"
                                        + " UINT8 to UINT32, FP32, FP64 or BYTES (strings)");
                }
            }
            return c.build();
        }

        private static JsonNode require(boolean ok, JsonNode v, String field, String what) {
            if (!ok) {
                throw ServiceException.invalidArgument(field, "must be " + what + ", got " + v);
            }
            return v;
        }

        static void write(String datatype, InferTensorContents c, ArrayNode out) {
            switch (datatype) {
                case "BOOL" -> c.getBoolContentsList().forEach(out::add);
                case "INT8", "INT16", "INT32" -> c.getIntContentsList().forEach(out::add);
                case "UINT8", "UINT16", "UINT32" ->
                    c.getUintContentsList().forEach(v -> out.add(Integer.toUnsignedLong(v)));
                case "INT64" -> c.getInt64ContentsList().forEach(out::add);
                case "FP32" -> c.getFp32ContentsList().forEach(out::add);
                case "FP64" -> c.getFp64ContentsList().forEach(out::add);
                default ->
                    throw ServiceException.failedPrecondition("outputs", datatype + " cannot be written as JSON");
            }
        }
    }
}
