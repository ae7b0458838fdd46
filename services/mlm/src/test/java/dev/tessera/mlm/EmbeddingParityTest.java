package dev.tessera.mlm;

import static dev.tessera.conformance.embedding.Vectors.cosine;
import static dev.tessera.mlm.MlmTestSupport.embed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2.E5SmallV2EmbeddingModel;
import dev.tessera.conformance.ServiceContract;
import dev.tessera.conformance.Texts;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with an independent implementation: LangChain4j's in-process embedding classes for the fp32 exports, which
 * tokenize, run and pool on their own code path. The fp32 model must agree to cosine 0.9999 on every sentence, which
 * proves tokenization, masking and pooling; each 8-bit model must stay within the bound its weight rounding allows.
 * Every sentence is checked twice: embedded alone, and inside one request holding all of them, so batching is on the
 * tested path too.
 */
@QuarkusTest
class EmbeddingParityTest extends ServiceContract {

    /** Short and long, plain and odd: punctuation, digits, accents, code, emoji, repeated words. */
    static final List<String> SENTENCES = Texts.SENTENCES;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("all-minilm-l6-v2", InputType.INPUT_TYPE_PASSAGE, "", 0.9999, (Supplier<EmbeddingModel>)
                        AllMiniLmL6V2EmbeddingModel::new),
                Arguments.of("e5-small-v2-q8", InputType.INPUT_TYPE_QUERY, "query: ", 0.998, (Supplier<EmbeddingModel>)
                        E5SmallV2EmbeddingModel::new),
                Arguments.of(
                        "bge-small-en-v1.5-q8", InputType.INPUT_TYPE_SYMMETRIC, "", 0.998, (Supplier<EmbeddingModel>)
                                BgeSmallEnV15EmbeddingModel::new),
                Arguments.of("all-minilm-l6-v2-q8", InputType.INPUT_TYPE_PASSAGE, "", 0.985, (Supplier<EmbeddingModel>)
                        AllMiniLmL6V2EmbeddingModel::new));
    }

    @ParameterizedTest(name = "{0} >= {3}")
    @MethodSource("models")
    void matches_langchain4j_fp32_in_process_alone_and_batched(
            String model, InputType type, String prefix, double bound, Supplier<EmbeddingModel> reference) {
        assertThat(SENTENCES).hasSizeGreaterThanOrEqualTo(20);
        EmbeddingModel lc4j = reference.get();
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        List<float[]> batched = embed(stub, model, type, SENTENCES);
        double worst = 1.0;
        String worstCase = "";
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] single = embed(stub, model, type, List.of(SENTENCES.get(i))).get(0);
            float[] theirs = lc4j.embed(prefix + SENTENCES.get(i)).content().vector();
            double alone = cosine(single, theirs);
            double inBatch = cosine(batched.get(i), theirs);
            if (Math.min(alone, inBatch) < worst) {
                worst = Math.min(alone, inBatch);
                worstCase = String.format(
                        "sentence %d (alone %.6f, batched %.6f): %s", i, alone, inBatch, SENTENCES.get(i));
            }
        }
        System.out.printf("parity %s: worst cosine %.7f over %d sentences%n", model, worst, SENTENCES.size());
        assertThat(worst).as("%s, worst on %s", model, worstCase).isGreaterThanOrEqualTo(bound);
    }
}
