package dev.tessera.runtime.oip;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.ByteString;
import dev.tessera.inference.grpc.v2.GRPCInferenceService;
import dev.tessera.inference.grpc.v2.ModelInferRequest;
import dev.tessera.inference.grpc.v2.ModelInferResponse;
import dev.tessera.inference.grpc.v2.ModelMetadataRequest;
import dev.tessera.inference.grpc.v2.ModelMetadataResponse;
import dev.tessera.inference.grpc.v2.ModelReadyRequest;
import dev.tessera.inference.grpc.v2.ModelReadyResponse;
import dev.tessera.inference.grpc.v2.ServerLiveRequest;
import dev.tessera.inference.grpc.v2.ServerLiveResponse;
import dev.tessera.inference.grpc.v2.ServerMetadataRequest;
import dev.tessera.inference.grpc.v2.ServerMetadataResponse;
import dev.tessera.inference.grpc.v2.ServerReadyRequest;
import dev.tessera.inference.grpc.v2.ServerReadyResponse;
import dev.tessera.runtime.config.RuntimeConfig;
import dev.tessera.runtime.engine.LoadedModel;
import dev.tessera.runtime.engine.ModelRegistry;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.error.GrpcErrors;
import dev.tessera.runtime.error.ServiceException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * KServe's Open Inference Protocol v2 over every model the process has loaded, so KServe and Triton clients can call
 * any Tessera model service as plain tensors. It shares sessions and readiness with the family endpoint, but not its
 * batching: OIP callers send ready-made batches.
 */
@GrpcService
public class InferenceGrpcService implements GRPCInferenceService {

    private static final String PLATFORM = "onnxruntime_onnx";

    private final ModelRegistry registry;
    private final OnnxEngine engine;
    private final RuntimeConfig.Oip limits;
    private final Semaphore permits;
    private final MeterRegistry meters;
    private final String serverName;
    private final String serverVersion;

    @Inject
    public InferenceGrpcService(
            ModelRegistry registry,
            OnnxEngine engine,
            RuntimeConfig config,
            MeterRegistry meters,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "tessera") String serverName,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "0") String serverVersion) {
        this.registry = registry;
        this.engine = engine;
        this.limits = config.oip();
        this.permits = new Semaphore(limits.maxConcurrent());
        this.meters = meters;
        this.serverName = serverName;
        this.serverVersion = serverVersion;
    }

    @Override
    public Uni<ServerLiveResponse> serverLive(ServerLiveRequest request) {
        return Uni.createFrom()
                .item(ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public Uni<ServerReadyResponse> serverReady(ServerReadyRequest request) {
        return Uni.createFrom()
                .item(ServerReadyResponse.newBuilder()
                        .setReady(registry.allReady())
                        .build());
    }

    @Override
    public Uni<ModelReadyResponse> modelReady(ModelReadyRequest request) {
        return answer(() -> {
            requireName("name", request.getName());
            ModelRegistry.Entry entry =
                    registry.entry(request.getName()).orElseThrow(() -> notServed("name", request.getName()));
            boolean ready = entry.state() == ModelRegistry.State.READY
                    && (request.getVersion().isEmpty()
                            || request.getVersion().equals(entry.model().version()));
            return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
    }

    @Override
    public Uni<ServerMetadataResponse> serverMetadata(ServerMetadataRequest request) {
        return Uni.createFrom()
                .item(ServerMetadataResponse.newBuilder()
                        .setName(serverName)
                        .setVersion(serverVersion)
                        .build());
    }

    @Override
    public Uni<ModelMetadataResponse> modelMetadata(ModelMetadataRequest request) {
        return answer(() -> {
            LoadedModel model = readyModel("name", request.getName(), "version", request.getVersion());
            ModelMetadataResponse.Builder out = ModelMetadataResponse.newBuilder()
                    .setName(model.name())
                    .addVersions(model.version())
                    .setPlatform(PLATFORM);
            model.inputs().forEach((name, info) -> out.addInputs(metadata(name, info)));
            model.outputs().forEach((name, info) -> out.addOutputs(metadata(name, info)));
            return out.build();
        });
    }

    @Override
    @Blocking
    public Uni<ModelInferResponse> modelInfer(ModelInferRequest request) {
        return answer(() -> infer(request));
    }

    private ModelInferResponse infer(ModelInferRequest request) {
        LoadedModel model =
                readyModel("model_name", request.getModelName(), "model_version", request.getModelVersion());
        if (request.getInputsCount() == 0) {
            throw ServiceException.invalidArgument("inputs", "at least one input tensor is required");
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

    private static <T> Uni<T> answer(Supplier<T> call) {
        return Uni.createFrom().item(call).onFailure().transform(GrpcErrors::toStatus);
    }
}
