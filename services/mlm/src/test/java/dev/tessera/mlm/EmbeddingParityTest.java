package dev.tessera.mlm;

import static dev.tessera.mlm.MlmTestSupport.cosine;
import static dev.tessera.mlm.MlmTestSupport.embed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
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
 * Parity with an independent implementation of the same models: LangChain4j's in-process embedding classes, which
 * tokenize, run and pool on their own code path. Our service must agree with them to cosine 0.9999 on every sentence.
 */
@QuarkusTest
class EmbeddingParityTest extends ServiceContract {

    /** Short and long, plain and odd: punctuation, digits, accents, code, emoji, repeated words. */
    static final List<String> SENTENCES = Texts.SENTENCES;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("e5-small-v2-q", InputType.INPUT_TYPE_QUERY, "query: ", (Supplier<EmbeddingModel>)
                        E5SmallV2QuantizedEmbeddingModel::new),
                Arguments.of("bge-small-en-v1.5-q", InputType.INPUT_TYPE_SYMMETRIC, "", (Supplier<EmbeddingModel>)
                        BgeSmallEnV15QuantizedEmbeddingModel::new),
                Arguments.of("all-minilm-l6-v2-q", InputType.INPUT_TYPE_PASSAGE, "", (Supplier<EmbeddingModel>)
                        AllMiniLmL6V2QuantizedEmbeddingModel::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matches_langchain4j_in_process_to_cosine_0_9999(
            String model, InputType type, String prefix, Supplier<EmbeddingModel> reference) {
        assertThat(SENTENCES).hasSizeGreaterThanOrEqualTo(20);
        EmbeddingModel lc4j = reference.get();
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        double worst = 1.0;
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] single = embed(stub, model, type, List.of(SENTENCES.get(i))).get(0);
            float[] theirs = lc4j.embed(prefix + SENTENCES.get(i)).content().vector();
            double c = cosine(single, theirs);
            worst = Math.min(worst, c);
            assertThat(c)
                    .as("%s on sentence %d: %s", model, i, SENTENCES.get(i))
                    .isGreaterThanOrEqualTo(0.9999);
        }
        System.out.printf("parity %s: worst cosine %.7f over %d sentences%n", model, worst, SENTENCES.size());
    }
}
