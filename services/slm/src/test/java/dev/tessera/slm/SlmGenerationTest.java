package dev.tessera.slm;

import static dev.tessera.conformance.textgen.TextGenerationBadInputContract.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.conformance.ServiceContract;
import dev.tessera.textgen.grpc.v1.FinishReason;
import dev.tessera.textgen.grpc.v1.GenerateRequest;
import dev.tessera.textgen.grpc.v1.GenerateResponse;
import dev.tessera.textgen.grpc.v1.GenerateStreamRequest;
import dev.tessera.textgen.grpc.v1.ListModelsRequest;
import dev.tessera.textgen.grpc.v1.ModelInfo;
import dev.tessera.textgen.grpc.v1.Sampling;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SlmGenerationTest extends ServiceContract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    private TextGenerationGrpc.TextGenerationBlockingStub stub() {
        return TextGenerationGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void the_int8_model_tells_the_same_story_start_as_fp32() {
        GenerateResponse response = stub().generate(ask("Once upon a time")
                .setSampling(Sampling.newBuilder().setTemperature(0f))
                .setMaxTokens(12)
                .build());
        // fp32 gives ", there was a little girl named Lily." here; int8 agrees on this opening
        assertThat(response.getText()).startsWith(", there was a little");
        assertThat(response.getModel()).isEqualTo("stories15m-q8");
        assertThat(response.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(response.getUsage().getOutputTokens()).isEqualTo(12);
    }

    @Test
    void streamed_deltas_concatenate_to_the_unary_text_for_the_same_seed() {
        GenerateRequest request = ask("Ben had a kite")
                .setSampling(Sampling.newBuilder().setTemperature(0.8f).setSeed(99))
                .setMaxTokens(40)
                .build();
        String unary = stub().generate(request).getText();
        StringBuilder streamed = new StringBuilder();
        stub().generateStream(
                        GenerateStreamRequest.newBuilder().setRequest(request).build())
                .forEachRemaining(m -> streamed.append(m.getDelta()));
        assertThat(streamed.toString()).isEqualTo(unary);
    }

    @Test
    void lists_the_quantized_models() {
        List<ModelInfo> models =
                stub().listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        assertThat(models).extracting(ModelInfo::getName).containsExactly("stories15m-q8", "tool-slm");
        assertThat(models.get(0).getDescription()).contains("int8");
        assertThat(models.get(0).getSupportsTools()).isFalse();
        assertThat(models.get(1).getSupportsTools()).isTrue();
    }
}
