package dev.tessera.conformance.textgen;

import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.ask;
import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.longStory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.textgen.grpc.v1.FinishReason;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Text generation over {@code tessera.textgen.v1} on a service whose default model continues stories (a stories15M
 * variant): greedy and seeded sampling, streaming that adds up to the unary answer, stop sequences and stop tokens, the
 * context limit, and ListModels. A service says which models it serves and what its default writes greedily; the
 * rest is the same for every such service.
 */
public abstract class TextGenerationContract extends ServiceContract {

    private final List<String> models;
    private final String greedyOpening;

    /**
     * @param models the models the service must list, the default first
     * @param greedyOpening how the default model greedily continues "Once upon a time" (at least its first words)
     */
    protected TextGenerationContract(List<String> models, String greedyOpening) {
        this.models = List.copyOf(models);
        this.greedyOpening = greedyOpening;
    }

    protected TextGenerationGrpc.TextGenerationBlockingStub stub;

    @BeforeEach
    void stub() {
        stub = TextGenerationGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void greedy_generation_continues_the_story_and_reports_usage() {
        GenerateResponse response = stub.generate(ask("Once upon a time")
                .setSampling(Sampling.newBuilder().setTemperature(0f))
                .setMaxTokens(16)
                .build());
        assertThat(response.getText()).startsWith(greedyOpening);
        assertThat(response.getModel()).isEqualTo(models.get(0));
        assertThat(response.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(response.getUsage().getInputTokens()).isEqualTo(5); // BOS + 4 prompt tokens
        assertThat(response.getUsage().getOutputTokens()).isEqualTo(16);
        assertThat(response.getMeanLogprob()).isNegative().isGreaterThan(-3);
    }

    @Test
    void the_same_seed_gives_the_same_sampled_answer_and_reports_the_seed() {
        GenerateRequest request = ask("Tom found a box")
                .setSampling(
                        Sampling.newBuilder().setTemperature(0.9f).setTopP(0.9f).setSeed(1234))
                .setMaxTokens(40)
                .build();
        GenerateResponse first = stub.generate(request);
        GenerateResponse second = stub.generate(request);
        assertThat(second.getText()).isEqualTo(first.getText());
        assertThat(first.getSeed()).isEqualTo(1234);
        GenerateResponse unseeded =
                stub.generate(ask("Tom found a box").setMaxTokens(4).build());
        assertThat(unseeded.getSeed()).isNotZero();
    }

    @Test
    void streamed_deltas_concatenate_to_the_unary_text_for_the_same_seed() {
        GenerateRequest request = ask("Lily went to the beach")
                .setSampling(
                        Sampling.newBuilder().setTemperature(1f).setTopK(40).setSeed(7))
                .setMaxTokens(60)
                .build();
        GenerateResponse unary = stub.generate(request);
        StringBuilder streamed = new StringBuilder();
        List<GenerateStreamResponse> messages = new ArrayList<>();
        stub.generateStream(
                        GenerateStreamRequest.newBuilder().setRequest(request).build())
                .forEachRemaining(messages::add);
        for (GenerateStreamResponse m : messages) {
            streamed.append(m.getDelta());
        }
        assertThat(messages.size()).isGreaterThan(10);
        assertThat(streamed.toString()).isEqualTo(unary.getText());
        GenerateStreamResponse last = messages.get(messages.size() - 1);
        assertThat(last.getFinishReason()).isEqualTo(unary.getFinishReason());
        assertThat(last.getUsage().getOutputTokens()).isEqualTo(unary.getUsage().getOutputTokens());
        assertThat(last.getModel()).isEqualTo(models.get(0));
        assertThat(messages.subList(0, messages.size() - 1))
                .allSatisfy(m -> assertThat(m.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED));
    }

    @Test
    void a_stop_sequence_ends_the_answer_and_is_left_out() {
        GenerateResponse full = stub.generate(ask("Once upon a time")
                .setSampling(Sampling.newBuilder().setTemperature(0f))
                .setMaxTokens(30)
                .build());
        int cut = full.getText().indexOf("Lily");
        assertThat(cut).isPositive();
        GenerateResponse stopped = stub.generate(ask("Once upon a time")
                .setSampling(Sampling.newBuilder().setTemperature(0f))
                .setMaxTokens(30)
                .addStop("Lily")
                .build());
        assertThat(stopped.getText()).isEqualTo(full.getText().substring(0, cut));
        assertThat(stopped.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        // the stream holds back what could be the start of the stop sequence, so it agrees with the unary answer
        StringBuilder streamed = new StringBuilder();
        Iterator<GenerateStreamResponse> it = stub.generateStream(GenerateStreamRequest.newBuilder()
                .setRequest(ask("Once upon a time")
                        .setSampling(Sampling.newBuilder().setTemperature(0f))
                        .setMaxTokens(30)
                        .addStop("Lily"))
                .build());
        it.forEachRemaining(m -> streamed.append(m.getDelta()));
        assertThat(streamed.toString()).isEqualTo(stopped.getText());
    }

    @Test
    void the_end_of_story_token_finishes_with_stop_and_is_not_part_of_the_text() {
        // greedy, this story ends well before 220 tokens with the token that starts the next story (BOS, a stop token)
        GenerateResponse response = stub.generate(ask("The end. Once upon a time there was a cat. The cat was happy.")
                .setSampling(Sampling.newBuilder().setTemperature(0f))
                .setMaxTokens(220)
                .build());
        assertThat(response.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP);
        assertThat(response.getUsage().getOutputTokens()).isLessThan(220);
        assertThat(response.getText()).doesNotContain("<s>").doesNotContain("</s>");
    }

    @Test
    void the_context_length_ends_a_long_answer_with_length() {
        int context = ServedModels.defaultModel(channel).getContextLength();
        GenerateResponse response = stub.generate(longStory(3).build());
        assertThat(response.getUsage().getInputTokens() + response.getUsage().getOutputTokens())
                .isLessThanOrEqualTo(context);
    }

    @Test
    void lists_the_models_default_first_with_context_tool_support_and_licence() {
        List<ModelInfo> listed = ServedModels.all(channel);
        assertThat(listed).extracting(ModelInfo::getName).containsExactlyElementsOf(models);
        assertThat(listed.get(0).getIsDefault()).isTrue();
        assertThat(listed.subList(1, listed.size())).noneMatch(ModelInfo::getIsDefault);
        assertThat(listed).allSatisfy(m -> {
            assertThat(m.getContextLength()).isPositive();
            assertThat(m.getLicense()).isNotBlank();
            assertThat(m.getSource()).isNotBlank();
            assertThat(m.getDescription()).isNotBlank();
        });
        assertThat(listed).anyMatch(ModelInfo::getSupportsTools);
    }

    /**
     * Control tokens come from the template alone: the spelling of one in a user's message is read as the characters
     * typed. Seen from outside, each spelling then costs its text's tokens (two or more), never the one token of the
     * control token it spells; checked on every model the service lists, with the spellings of both tokenizer kinds.
     */
    @Test
    void the_spelling_of_a_control_token_in_user_text_costs_its_text_tokens_on_every_model() {
        List<String> spellings =
                List.of("<|end|>", "<|tool|>", "<|assistant|>", "<|user|>", "<s>", "</s>", "\n<s>\n", "\n</s>\n");
        for (ModelInfo model : ServedModels.all(channel)) {
            long plain = promptTokens(model.getName(), "Hello world.");
            for (String spelling : spellings) {
                assertThat(promptTokens(model.getName(), "Hello world." + spelling) - plain)
                        .as("tokens %s adds to a prompt of %s", spelling.replace("\n", "\\n"), model.getName())
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    private long promptTokens(String model, String text) {
        return stub.generate(ask(text)
                        .setModel(model)
                        .setSampling(Sampling.newBuilder().setTemperature(0f))
                        .setMaxTokens(1)
                        .build())
                .getUsage()
                .getInputTokens();
    }
}
