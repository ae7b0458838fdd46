package dev.tessera.llm;

import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.textgen.grpc.v1.FinishReason;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.GenerateStreamResponse;
import dev.tessera.textgen.grpc.v1.ListModelsRequest;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class LlmGenerationTest extends ServiceContract {

    @TestHTTPResource("/")
    URL url;

    TextGenerationGrpc.TextGenerationBlockingStub stub;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

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
        assertThat(response.getText()).startsWith(", there was a little girl named Lily.");
        assertThat(response.getModel()).isEqualTo("stories15m");
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
        assertThat(last.getModel()).isEqualTo("stories15m");
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
        // greedy, this story ends after 191 tokens with the token that starts the next story (BOS, a stop token)
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
        GenerateResponse response = stub.generate(ask("Once upon a time")
                .setSampling(Sampling.newBuilder().setTemperature(1f).setSeed(3))
                .setMaxTokens(1024)
                .build());
        assertThat(response.getUsage().getInputTokens() + response.getUsage().getOutputTokens())
                .isLessThanOrEqualTo(256);
    }

    @Test
    void lists_both_models_default_first_with_context_and_tool_support() {
        List<ModelInfo> models =
                stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        assertThat(models).extracting(ModelInfo::getName).containsExactly("stories15m", "tool-llm");
        assertThat(models.get(0).getContextLength()).isEqualTo(256);
        assertThat(models.get(0).getSupportsTools()).isFalse();
        assertThat(models.get(0).getIsDefault()).isTrue();
        assertThat(models.get(0).getLicense()).contains("MIT");
        assertThat(models.get(1).getSupportsTools()).isTrue();
        assertThat(models.get(1).getIsDefault()).isFalse();
        assertThat(models.get(1).getSource()).contains("model forge");
    }
}
