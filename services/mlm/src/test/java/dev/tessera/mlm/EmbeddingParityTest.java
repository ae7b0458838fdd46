package dev.tessera.mlm;

import static dev.tessera.mlm.MlmTestSupport.cosine;
import static dev.tessera.mlm.MlmTestSupport.embed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import dev.tessera.conformance.ServiceContract;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
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
    static final List<String> SENTENCES = List.of(
            "The cat sat on the mat.",
            "How much protein should a female eat per day?",
            "Tessera serves every model family as its own gRPC service.",
            "Photosynthesis converts light energy into chemical energy stored in glucose.",
            "The 2024 Olympic Games were held in Paris, France.",
            "Café au lait, s'il vous plaît — and a croissant.",
            "def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)",
            "ERROR 503: upstream connect error or disconnect/reset before headers",
            "I love this!!! 😀😀😀",
            "buffalo buffalo buffalo buffalo buffalo buffalo buffalo buffalo",
            "A",
            "What is the capital of Australia?",
            "Canberra is the capital city of Australia, chosen as a compromise between Sydney and Melbourne.",
            "Quantum entanglement links the states of two particles regardless of the distance between them.",
            "Mix 200 g of flour, 2 eggs and 300 ml of milk, then rest the batter for 30 minutes.",
            "The mitochondria is the powerhouse of the cell.",
            "Stock markets fell sharply after the central bank raised interest rates by 0.75 percentage points.",
            "SELECT name, email FROM users WHERE created_at > NOW() - INTERVAL '7 days';",
            "Der schnelle braune Fuchs springt über den faulen Hund.",
            "In 1969, Neil Armstrong became the first person to walk on the Moon during the Apollo 11 mission.",
            "   leading and trailing spaces   ",
            "Kubernetes schedules pods onto nodes that satisfy their resource requests, affinities and tolerations,"
                    + " and restarts containers whose liveness probes fail repeatedly.",
            "e = mc^2",
            "Thank you very much for your help yesterday; the release went out on time.");

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

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
