package dev.tessera.models.stories15m;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.runtime.engine.EngineSettings;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.FinishReason;
import dev.tessera.textgen.decoding.GenerationEngine;
import dev.tessera.textgen.decoding.GenerationParams;
import dev.tessera.textgen.decoding.GenerationResult;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.TextGenerationModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generations that share their decode steps (rows of one batch, left-padded to a common length, joining and leaving
 * at different times) give the tokens each gives alone: the padding is masked out exactly, and each row keeps its own
 * positions, sampler and stop rules.
 */
class BatchedDecodingTest {

    static TextGenerationModel model;

    @BeforeAll
    static void load() {
        model = TextGenerationModel.load(
                "stories15m",
                new ModelLocator(Optional.empty(), BatchedDecodingTest.class.getClassLoader()),
                new OnnxEngine(EngineSettings.cpu()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] prompt(String text) {
        return model.prompt(List.of(new ChatMessage(ChatMessage.Role.USER, text)));
    }

    @Test
    void batched_generations_equal_the_same_generations_run_alone() throws Exception {
        List<String> prompts = List.of(
                "Once upon a time",
                "Lily and Ben went to the park with their big red dog",
                "Tom",
                "The little bird could not fly, so it",
                "Mia had a new pair of shoes");
        // different lengths, budgets and sampling: rows join with different paddings and leave at different steps
        List<GenerationParams> params = List.of(
                new GenerationParams(SamplingParams.GREEDY, 48, List.of(), Long.MAX_VALUE),
                new GenerationParams(SamplingParams.GREEDY, 20, List.of(), Long.MAX_VALUE),
                new GenerationParams(new SamplingParams(0.8f, 0.95f, 0, 17L), 64, List.of(), Long.MAX_VALUE),
                new GenerationParams(SamplingParams.GREEDY, 32, List.of("."), Long.MAX_VALUE),
                new GenerationParams(new SamplingParams(1.0f, 1f, 40, 5L), 40, List.of(), Long.MAX_VALUE));
        List<GenerationResult> alone = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            alone.add(model.generate(prompt(prompts.get(i)), params.get(i), t -> {}, () -> false));
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (GenerationEngine engine = new GenerationEngine("test", 8, true, meters)) {
            List<GenerationEngine.Running> running = new ArrayList<>();
            List<StringBuilder> streamed = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                StringBuilder sb = new StringBuilder();
                streamed.add(sb);
                running.add(engine.start(model, prompt(prompts.get(i)), params.get(i), sb::append));
                Thread.sleep(15); // staggered arrivals: later rows join a batch already decoding
            }
            for (int i = 0; i < prompts.size(); i++) {
                GenerationResult batched = running.get(i).result().get(60, TimeUnit.SECONDS);
                assertThat(batched.tokens())
                        .as(prompts.get(i))
                        .containsExactly(alone.get(i).tokens());
                assertThat(batched.text()).isEqualTo(alone.get(i).text());
                assertThat(streamed.get(i).toString()).isEqualTo(batched.text());
                assertThat(batched.finishReason()).isEqualTo(alone.get(i).finishReason());
            }
            assertThat(engine.inflight()).isZero();
        }
        var rows = meters.find("tessera.generation.batch_rows").summary();
        assertThat(rows.max()).as("most rows in one step").isGreaterThanOrEqualTo(3);
        System.out.printf("batched: %d steps, mean %.2f rows, max %.0f%n", rows.count(), rows.mean(), rows.max());
    }

    @Test
    void a_cancelled_row_leaves_the_batch_and_the_others_finish() throws Exception {
        try (GenerationEngine engine = new GenerationEngine("test", 8, true, new SimpleMeterRegistry())) {
            GenerationParams long_ = new GenerationParams(SamplingParams.GREEDY, 200, List.of(), Long.MAX_VALUE);
            GenerationEngine.Running a = engine.start(model, prompt("Once upon a time"), long_, t -> {});
            GenerationEngine.Running b = engine.start(model, prompt("Tom had a red ball"), long_, t -> {});
            Thread.sleep(100);
            a.cancel();
            assertThat(a.result().get(30, TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.CANCELLED);
            GenerationResult rest = b.result().get(60, TimeUnit.SECONDS);
            assertThat(rest.finishReason()).isNotEqualTo(FinishReason.CANCELLED);
            assertThat(rest.tokens())
                    .containsExactly(model.generate(prompt("Tom had a red ball"), long_, t -> {}, () -> false)
                            .tokens());
        }
    }
}
