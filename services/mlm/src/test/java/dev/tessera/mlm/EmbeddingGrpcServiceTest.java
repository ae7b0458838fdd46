package dev.tessera.mlm;

import static dev.tessera.conformance.embedding.Vectors.cosine;
import static dev.tessera.mlm.MlmTestSupport.embed;
import static dev.tessera.mlm.MlmTestSupport.norm;
import static dev.tessera.mlm.MlmTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import dev.tessera.embedding.grpc.v1.ListModelsRequest;
import dev.tessera.embedding.grpc.v1.ModelInfo;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EmbeddingGrpcServiceTest extends ServiceContract {

    private static final String FP32 = "all-minilm-l6-v2";

    EmbeddingGrpc.EmbeddingBlockingStub stub;

    @BeforeEach
    void stub() {
        stub = EmbeddingGrpc.newBlockingStub(channel);
    }

    @Test
    void embeds_query_and_passage_with_their_prefixes() {
        String text = "how much protein should a female eat";
        float[] query = embed(stub, "e5-small-v2-q8", InputType.INPUT_TYPE_QUERY, List.of(text))
                .get(0);
        float[] symmetric = embed(stub, "e5-small-v2-q8", InputType.INPUT_TYPE_SYMMETRIC, List.of(text))
                .get(0);
        float[] passage = embed(stub, "e5-small-v2-q8", InputType.INPUT_TYPE_PASSAGE, List.of(text))
                .get(0);
        // E5 reads symmetric text as a query, and a passage with another prefix
        assertThat(cosine(query, symmetric)).isGreaterThan(0.99999);
        assertThat(cosine(query, passage)).isLessThan(0.999);
        // [CLS] query : how much protein should a female eat [SEP]
        EmbedResponse r = stub.embed(EmbedRequest.newBuilder()
                .addInputs(text)
                .setInputType(InputType.INPUT_TYPE_QUERY)
                .build());
        assertThat(r.getEmbeddings(0).getTokenCount()).isEqualTo(1 + 2 + 7 + 1);
    }

    @Test
    void returns_unit_vectors_by_default_and_raw_pooled_vectors_when_asked() {
        EmbedRequest.Builder request = EmbedRequest.newBuilder().addInputs("A quick brown fox.");
        float[] normalized = values(stub.embed(request.build()).getEmbeddings(0));
        float[] raw = values(stub.embed(request.setNormalize(false).build()).getEmbeddings(0));
        assertThat(norm(normalized)).isCloseTo(1.0, within(1e-5));
        assertThat(norm(raw)).isNotCloseTo(1.0, within(1e-3));
        assertThat(cosine(normalized, raw)).isGreaterThan(0.99999);
    }

    /** Uses the fp32 model, whose vectors do not depend on batch company, so any mix-up would show exactly. */
    @Test
    void answers_one_vector_per_input_in_input_order_with_usage() {
        List<String> texts = List.of("first sentence", "a second, somewhat longer sentence", "third");
        EmbedResponse all = stub.embed(
                EmbedRequest.newBuilder().setModel(FP32).addAllInputs(texts).build());
        assertThat(all.getModel()).isEqualTo(FP32);
        assertThat(all.getDimension()).isEqualTo(384);
        assertThat(all.getEmbeddingsCount()).isEqualTo(3);
        long tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            EmbedResponse one = stub.embed(EmbedRequest.newBuilder()
                    .setModel(FP32)
                    .addInputs(texts.get(i))
                    .build());
            assertThat(cosine(values(all.getEmbeddings(i)), values(one.getEmbeddings(0))))
                    .isGreaterThan(0.99999);
            assertThat(all.getEmbeddings(i).getValuesCount()).isEqualTo(384);
            tokens += all.getEmbeddings(i).getTokenCount();
        }
        assertThat(all.getUsage().getItems()).isEqualTo(3);
        assertThat(all.getUsage().getInputTokens()).isEqualTo(tokens);
        assertThat(all.getUsage().getOutputTokens()).isZero();
    }

    @Test
    void concurrent_requests_are_batched_without_mixing_their_answers() throws Exception {
        // fp32, so batched and sequential vectors must agree to rounding
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            texts.add("sentence number " + i + " about " + (i % 2 == 0 ? "cats" : "the stock market"));
        }
        List<float[]> sequential = new ArrayList<>();
        for (String t : texts) {
            sequential.add(
                    embed(stub, FP32, InputType.INPUT_TYPE_PASSAGE, List.of(t)).get(0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<float[]>> futures = new ArrayList<>();
            for (String t : texts) {
                futures.add(CompletableFuture.supplyAsync(
                        () -> embed(stub, FP32, InputType.INPUT_TYPE_PASSAGE, List.of(t))
                                .get(0),
                        pool));
            }
            for (int i = 0; i < texts.size(); i++) {
                assertThat(cosine(futures.get(i).get(), sequential.get(i)))
                        .as("text %d", i)
                        .isGreaterThan(0.99999);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void truncates_over_long_input_only_when_asked() {
        String longText = "word ".repeat(700);
        EmbedResponse r = stub.embed(
                EmbedRequest.newBuilder().addInputs(longText).setTruncate(true).build());
        assertThat(r.getModel()).isEqualTo("e5-small-v2-q8");
        assertThat(r.getEmbeddings(0).getTruncated()).isTrue();
        assertThat(r.getEmbeddings(0).getTokenCount()).isEqualTo(512);
        EmbedResponse shortOne =
                stub.embed(EmbedRequest.newBuilder().addInputs("short").build());
        assertThat(shortOne.getEmbeddings(0).getTruncated()).isFalse();
    }

    @Test
    void lists_the_loaded_models_default_first() {
        List<ModelInfo> models =
                stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        assertThat(models)
                .extracting(ModelInfo::getName)
                .containsExactly("e5-small-v2-q8", "bge-small-en-v1.5-q8", "all-minilm-l6-v2-q8", FP32);
        assertThat(models.get(0).getIsDefault()).isTrue();
        assertThat(models).extracting(ModelInfo::getPooling).containsExactly("mean", "cls", "mean", "mean");
        assertThat(models).extracting(ModelInfo::getMaxTokens).containsExactly(512, 512, 256, 256);
        assertThat(models).allSatisfy(m -> {
            assertThat(m.getDimension()).isEqualTo(384);
            assertThat(m.getLicense()).isNotBlank();
            assertThat(m.getSource()).contains("Maven Central");
        });
    }

    @Test
    void selects_another_model_by_name() {
        EmbedResponse r = stub.embed(EmbedRequest.newBuilder()
                .setModel("bge-small-en-v1.5-q8")
                .addInputs("hello")
                .build());
        assertThat(r.getModel()).isEqualTo("bge-small-en-v1.5-q8");
        assertThat(r.getDimension()).isEqualTo(384);
    }
}
