package dev.tessera.mlm;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.embedding.grpc.v1.Vector;
import java.util.List;

/** Small helpers shared by the embedding tests. */
final class MlmTestSupport {

    private MlmTestSupport() {}

    static float[] values(Vector v) {
        float[] out = new float[v.getValuesCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getValues(i);
        }
        return out;
    }

    static double norm(float[] a) {
        double s = 0;
        for (float x : a) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    static List<float[]> embed(
            EmbeddingGrpc.EmbeddingBlockingStub stub, String model, InputType type, List<String> texts) {
        return stub
                .embed(EmbedRequest.newBuilder()
                        .setModel(model)
                        .setInputType(type)
                        .addAllInputs(texts)
                        .build())
                .getEmbeddingsList()
                .stream()
                .map(MlmTestSupport::values)
                .toList();
    }
}
