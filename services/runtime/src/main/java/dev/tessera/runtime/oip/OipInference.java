package dev.tessera.runtime.oip;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.ByteString;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import dev.tessera.inference.grpc.v2.ModelInferResponse;
import dev.tessera.inference.grpc.v2.ModelMetadataRequest;
import dev.tessera.inference.grpc.v2.ModelMetadataResponse;
import dev.tessera.inference.grpc.v2.ModelReadyRequest;
import dev.tessera.inference.grpc.v2.ModelReadyResponse;
import dev.tessera.inference.grpc.v2.ServerMetadataResponse;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.runtime.config.RuntimeConfig;
import dev.tessera.runtime.engine.LoadedModel;
import dev.tessera.runtime.engine.ModelRegistry;
import dev.tessera.runtime.engine.OnnxEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * KServe's Open Inference Protocol v2 over every model the process has loaded, written once for both of its
 * transports: the gRPC endpoint ({@link InferenceGrpcService}) and the REST one ({@link InferenceRestResource}) map
 * their messages to the protocol's messages and call this. It shares sessions and readiness with the family endpoint,
 * but not its batching: OIP callers send ready-made batches.
 */
@ApplicationScoped
public class OipInference {

    private static final String PLATFORM = "onnxruntime_onnx";

    private final ModelRegistry registry;
    private final OnnxEngine engine;
    private final RuntimeConfig.Oip limits;
    private final Semaphore permits;
    private final MeterRegistry meters;
    private final String serverName;
    private final String serverVersion;
    private final Instance<OipTextInputs> text;

    @Inject
    public OipInference(
            ModelRegistry registry,
            OnnxEngine engine,
            RuntimeConfig config,
            MeterRegistry meters,
            Instance<OipTextInputs> text,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "tessera") String serverName,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "0") String serverVersion) {
        this.registry = registry;
        this.engine = engine;
        this.limits = config.oip();
        this.permits = new Semaphore(limits.maxConcurrent());
        this.meters = meters;
        this.serverName = serverName;
        this.serverVersion = serverVersion;
        this.text = text;
    }

    /** Whether every model is loaded and warmed. */
    public boolean serverReady() {
        return registry.allReady();
    }

    /** Whether one model (and version, when given) is ready; NOT_FOUND for a model not served here. */
    public ModelReadyResponse modelReady(ModelReadyRequest request) {
        requireName("name", request.getName());
        ModelRegistry.Entry entry =
                registry.entry(request.getName()).orElseThrow(() -> notServed("name", request.getName()));
        boolean ready = entry.state() == ModelRegistry.State.READY
                && (request.getVersion().isEmpty()
                        || request.getVersion().equals(entry.model().version()));
        return ModelReadyResponse.newBuilder().setReady(ready).build();
    }

    /** The server's name and version. */
    public ServerMetadataResponse serverMetadata() {
        return ServerMetadataResponse.newBuilder()
                .setName(serverName)
                .setVersion(serverVersion)
                .build();
    }

    /** A model's tensors as its session declares them. */
    public ModelMetadataResponse modelMetadata(ModelMetadataRequest request) {
        LoadedModel model = readyModel("name", request.getName(), "version", request.getVersion());
        ModelMetadataResponse.Builder out = ModelMetadataResponse.newBuilder()
                .setName(model.name())
                .addVersions(model.version())
                .setPlatform(PLATFORM);
        model.inputs().forEach((name, info) -> out.addInputs(metadata(name, info)));
        model.outputs().forEach((name, info) -> out.addOutputs(metadata(name, info)));
        List<OipTextInputs.Output> textOutputs = textOutputs(model.name());
        if (!textOutputs.isEmpty()) {
            out.addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                    .setName(OipTextInputs.INPUT)
                    .setDatatype("BYTES")
                    .addShape(-1));
            for (OipTextInputs.Output o : textOutputs) {
                ModelMetadataResponse.TensorMetadata.Builder t = ModelMetadataResponse.TensorMetadata.newBuilder()
                        .setName(o.name())
                        .setDatatype("FP32");
                for (long d : o.shape()) {
                    t.addShape(d);
                }
                out.addOutputs(t);
            }
        }
        return out.build();
    }

    /**
     * Runs a model on the request's tensors, checked before they reach native code.
     *
     * @throws ServiceException naming the field for anything wrong with the request; RESOURCE_EXHAUSTED when
     *     {@code tessera.runtime.oip.max-concurrent} calls already run
     */
    public ModelInferResponse infer(ModelInferRequest request) {
        LoadedModel model =
                readyModel("model_name", request.getModelName(), "model_version", request.getModelVersion());
        if (request.getInputsCount() == 0) {
            throw ServiceException.invalidArgument("inputs", "at least one input tensor is required");
        }
        if (request.getInputs(0).getName().equals(OipTextInputs.INPUT)
                && !model.inputs().containsKey(OipTextInputs.INPUT)
                && !textOutputs(model.name()).isEmpty()) {
            return inferText(model, request);
        }
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
            throw ServiceException.invalidArgument(
                    "raw_input_contents",
                    "has " + request.getRawInputContentsCount() + " entries for " + request.getInputsCount()
                            + " inputs; send one per input or none");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(i);
            String field = "inputs[" + i + "]";
            if (!model.inputs().containsKey(input.getName())) {
                throw ServiceException.invalidArgument(
                        field + ".name",
                        "model '" + model.name() + "' has no input '" + input.getName() + "'; its inputs are "
                                + model.inputs().keySet());
            }
            if (!seen.add(input.getName())) {
                throw ServiceException.invalidArgument(field + ".name", "input '" + input.getName() + "' is repeated");
            }
            if (raw && input.hasContents()) {
                throw ServiceException.invalidArgument(
                        field + ".contents", "must be unset when the request uses raw_input_contents");
            }
        }
        List<String> missing =
                model.inputs().keySet().stream().filter(n -> !seen.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw ServiceException.invalidArgument("inputs", "model '" + model.name() + "' also needs " + missing);
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (int i = 0; i < request.getOutputsCount(); i++) {
            String name = request.getOutputs(i).getName();
            if (!model.outputs().containsKey(name)) {
                throw ServiceException.invalidArgument(
                        "outputs[" + i + "].name",
                        "model '" + model.name() + "' has no output '" + name + "'; its outputs are "
                                + model.outputs().keySet());
            }
            wanted.add(name);
        }
        if (wanted.isEmpty()) {
            wanted.addAll(model.outputs().keySet());
        }
        if (!permits.tryAcquire()) {
            throw ServiceException.resourceExhausted("ModelInfer already runs " + limits.maxConcurrent()
                    + " calls (tessera.runtime.oip.max-concurrent); retry later");
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            List<InputChecks.Input> checked = new ArrayList<>();
            for (int i = 0; i < request.getInputsCount(); i++) {
                ModelInferRequest.InferInputTensor input = request.getInputs(i);
                TensorInfo declared = model.inputs().get(input.getName());
                tensors.put(
                        input.getName(),
                        TensorCodec.decode(
                                engine.environment(),
                                "inputs[" + i + "]",
                                input,
                                declared,
                                raw ? request.getRawInputContents(i) : null,
                                "raw_input_contents[" + i + "]",
                                limits.maxElements()));
                checked.add(new InputChecks.Input(
                        "inputs[" + i + "]",
                        input.getName(),
                        input.getShapeList().stream().mapToLong(Long::longValue).toArray(),
                        declared));
            }
            int maxTokens = model.manifest().limits().maxTokens();
            InputChecks.dimensions(model.name(), checked, maxTokens);
            long vocabulary = InputChecks.vocabulary(model.outputs());
            for (InputChecks.Input input : checked) {
                InputChecks.values(input, tensors.get(input.name()), maxTokens, vocabulary);
            }
            Timer.Sample sample = Timer.start(meters);
            try (OrtSession.Result result = model.session().run(tensors, wanted)) {
                sample.stop(meters.timer("tessera.oip.infer.duration", "model", model.name()));
                ModelInferResponse.Builder out = ModelInferResponse.newBuilder()
                        .setModelName(model.name())
                        .setModelVersion(model.version())
                        .setId(request.getId());
                boolean rawOut = raw
                        || wanted.stream().anyMatch(n -> !typed(model.outputs().get(n)));
                List<ByteString> rawContents = new ArrayList<>();
                for (String name : wanted) {
                    OnnxValue value = result.get(name).orElseThrow();
                    out.addOutputs(TensorCodec.encode(name, (OnnxTensor) value, rawOut, rawContents));
                }
                return out.addAllRawOutputContents(rawContents).build();
            }
        } catch (OrtException e) {
            if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
                throw ServiceException.invalidArgument(
                        "inputs", "the model rejected the inputs: " + InputChecks.describe(e));
            }
            throw ServiceException.internal("model '" + model.name() + "' failed: " + InputChecks.describe(e), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
            permits.release();
        }
    }

    private List<OipTextInputs.Output> textOutputs(String model) {
        return text.isResolvable() ? text.get().outputs(model) : List.of();
    }

    /** A request whose input is the family's text tensor: decoded, checked and run on the family's own path. */
    private ModelInferResponse inferText(LoadedModel model, ModelInferRequest request) {
        if (request.getInputsCount() != 1) {
            throw ServiceException.invalidArgument(
                    "inputs", "a request with the '" + OipTextInputs.INPUT + "' input takes no other input");
        }
        ModelInferRequest.InferInputTensor input = request.getInputs(0);
        if (!input.getDatatype().equals("BYTES")) {
            throw ServiceException.invalidArgument(
                    "inputs[0].datatype", "must be BYTES (UTF-8 texts), got '" + input.getDatatype() + "'");
        }
        if (input.getShapeCount() != 1) {
            throw ServiceException.invalidArgument(
                    "inputs[0].shape", "must be [n], one dimension: the number of texts");
        }
        boolean raw = request.getRawInputContentsCount() > 0;
        String field = raw ? "raw_input_contents[0]" : "inputs[0].contents.bytes_contents";
        List<ByteString> elements = raw
                ? TensorCodec.splitBytes(request.getRawInputContents(0), field)
                : input.getContents().getBytesContentsList();
        if (elements.size() != input.getShape(0)) {
            throw ServiceException.invalidArgument(
                    field, "has " + elements.size() + " texts; inputs[0].shape says " + input.getShape(0));
        }
        List<String> texts = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            if (!elements.get(i).isValidUtf8()) {
                throw ServiceException.invalidArgument(field + "[" + i + "]", "is not valid UTF-8");
            }
            texts.add(elements.get(i).toStringUtf8());
        }
        List<OipTextInputs.Output> outputs = textOutputs(model.name());
        Set<String> known = new HashSet<>();
        outputs.forEach(o -> known.add(o.name()));
        for (int i = 0; i < request.getOutputsCount(); i++) {
            if (!known.contains(request.getOutputs(i).getName())) {
                throw ServiceException.invalidArgument(
                        "outputs[" + i + "].name",
                        "a text request to model '" + model.name() + "' has the outputs " + known);
            }
        }
        Timer.Sample sample = Timer.start(meters);
        List<OipTextInputs.Tensor> tensors = text.get().infer(model.name(), texts, field);
        sample.stop(meters.timer("tessera.oip.infer.duration", "model", model.name()));
        ModelInferResponse.Builder out = ModelInferResponse.newBuilder()
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setId(request.getId());
        for (OipTextInputs.Tensor t : tensors) {
            ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(t.name())
                    .setDatatype("FP32");
            for (long d : t.shape()) {
                tensor.addShape(d);
            }
            if (raw) {
                java.nio.ByteBuffer bytes =
                        java.nio.ByteBuffer.allocate(t.values().length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(t.values());
                out.addOutputs(tensor);
                out.addRawOutputContents(ByteString.copyFrom(bytes.array()));
            } else {
                dev.tessera.inference.grpc.v2.InferTensorContents.Builder contents =
                        dev.tessera.inference.grpc.v2.InferTensorContents.newBuilder();
                for (float v : t.values()) {
                    contents.addFp32Contents(v);
                }
                out.addOutputs(tensor.setContents(contents));
            }
        }
        return out.build();
    }

    private static boolean typed(TensorInfo info) {
        return Datatype.of(info.type).map(Datatype::hasTypedContents).orElse(true);
    }

    private LoadedModel readyModel(String nameField, String name, String versionField, String version) {
        requireName(nameField, name);
        ModelRegistry.Entry entry = registry.entry(name).orElseThrow(() -> notServed(nameField, name));
        if (entry.state() != ModelRegistry.State.READY) {
            throw ServiceException.unavailable("model '" + name + "' is "
                    + entry.state().name().toLowerCase() + (entry.error() == null ? "" : ": " + entry.error()));
        }
        if (!version.isEmpty() && !version.equals(entry.model().version())) {
            throw ServiceException.notFound(
                    versionField,
                    "model '" + name + "' has no version '" + version + "'; it has '"
                            + entry.model().version() + "'");
        }
        return entry.model();
    }

    private static void requireName(String field, String name) {
        if (name.isEmpty()) {
            throw ServiceException.invalidArgument(field, "a model name is required");
        }
    }

    private ServiceException notServed(String field, String name) {
        return ServiceException.notFound(
                field,
                "no model '" + name + "' here; this server serves "
                        + registry.snapshot().keySet());
    }

    private static ModelMetadataResponse.TensorMetadata metadata(String name, TensorInfo info) {
        ModelMetadataResponse.TensorMetadata.Builder b =
                ModelMetadataResponse.TensorMetadata.newBuilder().setName(name).setDatatype(Datatype.nameOf(info.type));
        for (long d : info.getShape()) {
            b.addShape(d < 0 ? -1 : d);
        }
        return b.build();
    }
}
