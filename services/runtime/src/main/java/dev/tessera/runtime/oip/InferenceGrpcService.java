package dev.tessera.runtime.oip;

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
import dev.tessera.platform.error.GrpcErrors;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/**
 * KServe's Open Inference Protocol v2 over gRPC ({@code inference.GRPCInferenceService}), so KServe and Triton clients
 * can call any Tessera model service as plain tensors. The protocol itself is {@link OipInference}, shared with REST.
 */
@GrpcService
public class InferenceGrpcService implements GRPCInferenceService {

    private final OipInference oip;

    @Inject
    public InferenceGrpcService(OipInference oip) {
        this.oip = oip;
    }

    @Override
    public Uni<ServerLiveResponse> serverLive(ServerLiveRequest request) {
        return Uni.createFrom()
                .item(ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public Uni<ServerReadyResponse> serverReady(ServerReadyRequest request) {
        return answer(() ->
                ServerReadyResponse.newBuilder().setReady(oip.serverReady()).build());
    }

    @Override
    public Uni<ModelReadyResponse> modelReady(ModelReadyRequest request) {
        return answer(() -> oip.modelReady(request));
    }

    @Override
    public Uni<ServerMetadataResponse> serverMetadata(ServerMetadataRequest request) {
        return answer(oip::serverMetadata);
    }

    @Override
    public Uni<ModelMetadataResponse> modelMetadata(ModelMetadataRequest request) {
        return answer(() -> oip.modelMetadata(request));
    }

    @Override
    @Blocking
    public Uni<ModelInferResponse> modelInfer(ModelInferRequest request) {
        return answer(() -> oip.infer(request));
    }

    private static <T> Uni<T> answer(Supplier<T> call) {
        return Uni.createFrom().item(call).onFailure().transform(GrpcErrors::toStatus);
    }
}
