package dev.tessera.mlm;

import static dev.tessera.mlm.MlmTestSupport.cosine;
import static dev.tessera.mlm.MlmTestSupport.embed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What batching does to vectors. With fp32 weights a padded batch gives every text exactly the vector it gets alone,
 * which proves the padding, masking and pooling. The int8 models quantize activations dynamically, with one scale per
 * tensor, so the other rows of a batch shift a text's vector slightly; this test pins how far, with a margin below the
 * worst seen (which batch company a text gets depends on how the two workers split the queue).
 */
@QuarkusTest
class BatchingConsistencyTest extends ServiceContract {

    @ParameterizedTest(name = "{0} batched vs alone >= {1}")
    @CsvSource({
        "all-minilm-l6-v2, 0.99999",
        "e5-small-v2-q8, 0.99999",
        "bge-small-en-v1.5-q8, 0.99999",
        "all-minilm-l6-v2-q8, 0.99999"
    })
    void a_batch_of_24_agrees_with_each_text_embedded_alone(String model, double bound) {
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        List<String> texts = EmbeddingParityTest.SENTENCES;
        List<float[]> batched = embed(stub, model, InputType.INPUT_TYPE_PASSAGE, texts);
        double worst = 1.0;
        double sum = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = embed(stub, model, InputType.INPUT_TYPE_PASSAGE, List.of(texts.get(i)))
                    .get(0);
            double c = cosine(batched.get(i), alone);
            worst = Math.min(worst, c);
            sum += c;
        }
        System.out.printf(
                "batched vs alone %s: worst cosine %.7f, mean %.7f over %d texts%n",
                model, worst, sum / texts.size(), texts.size());
        assertThat(worst).isGreaterThanOrEqualTo(bound);
    }
}
