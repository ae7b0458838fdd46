package dev.tessera.mlm;

import static dev.tessera.conformance.embedding.Vectors.cosine;
import static dev.tessera.mlm.MlmTestSupport.embed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbedResponse;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import dev.tessera.embedding.grpc.v1.InputType;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A retrieval sanity check: for every query, its own passage ranks first among all twelve passages, with batching on
 * both ways: queries and passages each in one request, and each text in its own request with all of them in flight at
 * once, merged by the micro-batcher. Most queries share few words with their passages, so the check is mostly about
 * meaning, not word overlap.
 */
@QuarkusTest
class RetrievalSanityTest extends ServiceContract {

    record Pair(String query, String passage) {}

    static final List<Pair> PAIRS = List.of(
            new Pair(
                    "how do plants make food from sunlight",
                    "Photosynthesis lets green leaves turn light, water and carbon dioxide into sugar and oxygen."),
            new Pair(
                    "what is the capital of Australia",
                    "Canberra was chosen as the seat of the federal government as a compromise between two cities."),
            new Pair(
                    "symptoms of dehydration",
                    "Thirst, dark urine, dizziness and fatigue are signs that the body lacks enough water."),
            new Pair(
                    "who was the first person on the moon",
                    "Neil Armstrong stepped onto the lunar surface in July 1969 during Apollo 11."),
            new Pair(
                    "how to make pancakes",
                    "Whisk flour, eggs and milk into a batter, then fry ladlefuls in a hot buttered pan."),
            new Pair(
                    "why is the sky blue",
                    "Rayleigh scattering spreads short wavelengths of sunlight across the atmosphere more than long ones."),
            new Pair(
                    "best way to learn a new language",
                    "Daily practice with native speakers and spaced repetition of vocabulary speeds up fluency."),
            new Pair(
                    "what causes inflation",
                    "When too much money chases too few goods, prices rise across the economy."),
            new Pair(
                    "how does a vaccine work",
                    "It trains the immune system to recognise a pathogen by showing it a harmless piece of it."),
            new Pair(
                    "container orchestration platform",
                    "Kubernetes schedules pods across a cluster of nodes and restarts them when they fail."),
            new Pair(
                    "largest ocean on earth",
                    "The Pacific Ocean covers more area than all of the planet's land combined."),
            new Pair(
                    "how to reduce stress",
                    "Regular exercise, enough sleep and breathing exercises calm the nervous system."));

    @ParameterizedTest
    @ValueSource(strings = {"e5-small-v2-q8", "bge-small-en-v1.5-q8", "all-minilm-l6-v2-q8"})
    void every_query_ranks_its_own_passage_first_batched_and_under_concurrent_load(String model) throws Exception {
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        // batched: every query in one request, every passage in another
        List<float[]> queries = embed(
                stub,
                model,
                InputType.INPUT_TYPE_QUERY,
                PAIRS.stream().map(Pair::query).toList());
        List<float[]> passages = embed(
                stub,
                model,
                InputType.INPUT_TYPE_PASSAGE,
                PAIRS.stream().map(Pair::passage).toList());
        assertRanks(model + ", batched", queries, passages);
        // under load: one text per request, all in flight at once, merged by the service's micro-batcher
        assertRanks(
                model + ", concurrent one-text requests",
                concurrently(
                        model,
                        InputType.INPUT_TYPE_QUERY,
                        PAIRS.stream().map(Pair::query).toList()),
                concurrently(
                        model,
                        InputType.INPUT_TYPE_PASSAGE,
                        PAIRS.stream().map(Pair::passage).toList()));
    }

    private List<float[]> concurrently(String model, InputType type, List<String> texts) throws Exception {
        EmbeddingGrpc.EmbeddingFutureStub async = EmbeddingGrpc.newFutureStub(channel);
        List<com.google.common.util.concurrent.ListenableFuture<EmbedResponse>> calls = new ArrayList<>();
        for (String text : texts) {
            calls.add(async.embed(EmbedRequest.newBuilder()
                    .setModel(model)
                    .setInputType(type)
                    .addInputs(text)
                    .build()));
        }
        List<float[]> out = new ArrayList<>();
        for (var call : calls) {
            out.add(MlmTestSupport.values(call.get(60, TimeUnit.SECONDS).getEmbeddings(0)));
        }
        return out;
    }

    private static void assertRanks(String what, List<float[]> queries, List<float[]> passages) {
        for (int q = 0; q < PAIRS.size(); q++) {
            int best = 0;
            for (int p = 1; p < passages.size(); p++) {
                if (cosine(queries.get(q), passages.get(p)) > cosine(queries.get(q), passages.get(best))) {
                    best = p;
                }
            }
            assertThat(PAIRS.get(best).passage())
                    .as("%s: best passage for '%s'", what, PAIRS.get(q).query())
                    .isEqualTo(PAIRS.get(q).passage());
        }
    }
}
