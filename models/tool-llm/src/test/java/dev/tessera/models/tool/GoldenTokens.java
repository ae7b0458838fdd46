package dev.tessera.models.tool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.runtime.engine.EngineSettings;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.textgen.decoding.FinishReason;
import dev.tessera.textgen.decoding.GenerationParams;
import dev.tessera.textgen.decoding.GenerationResult;
import dev.tessera.textgen.decoding.SamplingParams;
import dev.tessera.textgen.decoding.TextGenerationModel;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The check that a forged model runs in Java exactly as it did in torch, shared by the forged models' tests (this
 * module's test jar). For the fixed prompts the forge wrote next to each
 * model ({@code golden.json}: first turns and turns after a tool result, from the held-out split), Java's tokenizer
 * gives the same prompt ids, the ONNX graph's next-token logits match torch's within 1e-3 (fp32; measured worst
 * differences are printed), and greedy decoding produces the same tokens and stops where torch stopped.
 */
public final class GoldenTokens {

    static final float LOGIT_TOLERANCE = 1e-3f;

    private GoldenTokens() {}

    /** Checks model {@code name} (an fp32 forged model on the class path) against its {@code golden.json}. */
    public static void check(String name) throws Exception {
        ModelLocator locator = new ModelLocator(Optional.empty(), GoldenTokens.class.getClassLoader());
        JsonNode golden;
        try (InputStream in = GoldenTokens.class.getResourceAsStream("/tessera/models/" + name + "/golden.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        int end = 1;
        try (TextGenerationModel model =
                TextGenerationModel.load(name, locator, new OnnxEngine(EngineSettings.cpu()))) {
            end = model.spec().stopTokens().get(0);
            float worst = 0;
            for (JsonNode entry : golden.path("prompts")) {
                int[] expectedPrompt = ints(entry.path("promptIds"));
                assertThat(model.encode(entry.path("prompt").asText())).isEqualTo(expectedPrompt);

                float[] logits = model.logits(expectedPrompt);
                float[] reference = floats(entry.path("firstLogits"));
                for (int i = 0; i < reference.length; i++) {
                    worst = Math.max(worst, Math.abs(logits[i] - reference[i]));
                }

                int[] greedy = ints(entry.path("greedyIds"));
                boolean stopped = greedy.length > 0 && greedy[greedy.length - 1] == end;
                GenerationResult result = model.generate(
                        expectedPrompt,
                        new GenerationParams(
                                SamplingParams.GREEDY,
                                golden.path("maxNewTokens").asInt(),
                                List.of(),
                                Long.MAX_VALUE),
                        text -> {},
                        () -> false);
                assertThat(result.tokens())
                        .as(entry.path("prompt").asText())
                        .isEqualTo(stopped ? Arrays.copyOf(greedy, greedy.length - 1) : greedy);
                assertThat(result.finishReason()).isEqualTo(stopped ? FinishReason.STOP : FinishReason.LENGTH);
                assertThat(result.text()).isEqualTo(entry.path("text").asText());
            }
            System.out.printf(
                    "[golden] %s: %d prompts, worst |logit - torch| %.2e%n",
                    name, golden.path("prompts").size(), worst);
            assertThat(worst).isLessThanOrEqualTo(LOGIT_TOLERANCE);
        }
    }

    static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .mapToInt(JsonNode::asInt)
                .toArray();
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
