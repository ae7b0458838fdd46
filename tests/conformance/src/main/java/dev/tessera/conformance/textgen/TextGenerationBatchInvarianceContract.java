package dev.tessera.conformance.textgen;

import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.ask;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.tessera.conformance.ServiceContract;
import dev.tessera.conformance.Texts;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Batching must not change an answer: on every model the service lists, a greedy generation gives the same tokens
 * alone as when it shares the decoder with other requests of other lengths, started together, so the engine runs them
 * in one batch with different pasts and padding.
 */
public abstract class TextGenerationBatchInvarianceContract extends ServiceContract {

    /** As many as a service runs at once by default ({@code tessera.textgen.max-concurrent}); more are refused. */
    private static final int PROMPTS = 4;

    private static final int TOKENS = 24;

    @Test
    void greedy_tokens_are_the_same_alone_and_in_a_batch_of_other_requests() throws Exception {
        TextGenerationGrpc.TextGenerationBlockingStub stub =
                TextGenerationGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
        List<String> prompts = Texts.STORY_PROMPTS.subList(0, PROMPTS);
        for (ModelInfo model : ServedModels.all(channel)) {
            List<String> alone = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                alone.add(stub.generate(greedy(model.getName(), prompts.get(i), i))
                        .getText());
            }
            TextGenerationGrpc.TextGenerationFutureStub async =
                    TextGenerationGrpc.newFutureStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
            List<ListenableFuture<GenerateResponse>> calls = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                calls.add(async.generate(greedy(model.getName(), prompts.get(i), i)));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(calls.get(i).get(120, TimeUnit.SECONDS).getText())
                        .as("%s, prompt '%s': greedy text in a batch vs alone", model.getName(), prompts.get(i))
                        .isEqualTo(alone.get(i));
            }
            System.out.printf(
                    "batch invariance %s: %d greedy answers equal alone and batched%n",
                    model.getName(), prompts.size());
        }
    }

    /** A greedy request; lengths differ by request, so requests leave the batch at different steps. */
    private static GenerateRequest greedy(String model, String prompt, int index) {
        return ask(prompt)
                .setModel(model)
                .setSampling(Sampling.newBuilder().setTemperature(0f))
                .setMaxTokens(TOKENS - 4 * index)
                .build();
    }
}
