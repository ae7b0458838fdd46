package dev.tessera.conformance.embedding;

import static dev.tessera.conformance.embedding.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.tessera.conformance.ServiceContract;
import dev.tessera.conformance.Texts;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.embedding.grpc.v1.ListModelsRequest;
import dev.tessera.embedding.grpc.v1.ModelInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Batching must not change an answer: every model the service lists gives a text the same vector alone as inside any
 * batch, to cosine {@value #BOUND}. The company varies three ways: every text in one request (shorter texts padded to
 * the longest), the same in reverse order behind a long text (more padding, other neighbours), and one text per
 * request with all requests in flight at once, so the service's micro-batcher merges requests from different callers.
 * A model that quantizes activations with one scale per tensor fails this: a search engine would rank differently
 * under load.
 */
public abstract class EmbeddingBatchInvarianceContract extends ServiceContract {

    /** The least cosine between a text's vector alone and in a batch. */
    public static final double BOUND = 0.99999;

    private static final String LONG_COMPANION = "A long neighbour pads every other row of the batch: "
            + String.join(" ", Collections.nCopies(12, "the quick brown fox jumps over the lazy dog again and again"));

    @Test
    void every_model_gives_a_text_the_same_vector_alone_and_in_any_batch() throws Exception {
        EmbeddingGrpc.EmbeddingBlockingStub stub =
                EmbeddingGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
        List<ModelInfo> models =
                stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        assertThat(models).isNotEmpty();
        List<String> texts = Texts.SENTENCES;
        for (ModelInfo model : models) {
            String name = model.getName();
            List<float[]> alone = new ArrayList<>();
            for (String text : texts) {
                alone.add(embed(stub, name, List.of(text)).get(0));
            }
            List<float[]> together = embed(stub, name, texts);
            List<String> reversed = new ArrayList<>(texts);
            Collections.reverse(reversed);
            reversed.add(0, LONG_COMPANION);
            List<float[]> padded = embed(stub, name, reversed);
            List<float[]> concurrent = concurrently(name, texts);
            double worst = 1;
            for (int i = 0; i < texts.size(); i++) {
                worst = Math.min(worst, cosine(alone.get(i), together.get(i)));
                worst = Math.min(worst, cosine(alone.get(i), padded.get(texts.size() - i)));
                worst = Math.min(worst, cosine(alone.get(i), concurrent.get(i)));
            }
            System.out.printf(
                    "batch invariance %s: worst cosine %.7f over %d texts x 3 batchings%n", name, worst, texts.size());
            assertThat(worst)
                    .as("%s: worst cosine between a text alone and in a batch", name)
                    .isGreaterThanOrEqualTo(BOUND);
        }
    }

    private List<float[]> concurrently(String model, List<String> texts) throws Exception {
        EmbeddingGrpc.EmbeddingFutureStub async =
                EmbeddingGrpc.newFutureStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
        List<ListenableFuture<EmbedResponse>> calls = new ArrayList<>();
        for (String text : texts) {
            calls.add(async.embed(request(model, List.of(text))));
        }
        List<float[]> out = new ArrayList<>();
        for (ListenableFuture<EmbedResponse> call : calls) {
            out.add(vectors(call.get(120, TimeUnit.SECONDS)).get(0));
        }
        return out;
    }

    private static List<float[]> embed(EmbeddingGrpc.EmbeddingBlockingStub stub, String model, List<String> texts) {
        return vectors(stub.embed(request(model, texts)));
    }

    private static EmbedRequest request(String model, List<String> texts) {
        return EmbedRequest.newBuilder()
                .setModel(model)
                .setInputType(InputType.INPUT_TYPE_PASSAGE)
                .addAllInputs(texts)
                .build();
    }

    private static List<float[]> vectors(EmbedResponse response) {
        List<float[]> out = new ArrayList<>();
        response.getEmbeddingsList().forEach(e -> {
            float[] v = new float[e.getValuesCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getValues(i);
            }
            out.add(v);
        });
        return out;
    }
}
