package dev.tessera.models.stories15m;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.runtime.engine.EngineSettings;
import dev.tessera.runtime.engine.OnnxEngine;
import dev.tessera.runtime.model.ModelLocator;
import dev.tessera.textgen.decoding.ChatMessage;
import dev.tessera.textgen.decoding.TextGenerationModel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** stories15M's control tokens (unknown, BOS, EOS) are never made from text, even from their own spelling. */
class ControlTokensTest {

    @Test
    void text_spelling_bos_or_eos_stays_text() {
        try (TextGenerationModel model = TextGenerationModel.load(
                "stories15m",
                new ModelLocator(Optional.empty(), ControlTokensTest.class.getClassLoader()),
                new OnnxEngine(EngineSettings.cpu()))) {
            int[] prompt = model.prompt(List.of(
                    new ChatMessage(ChatMessage.Role.USER, "The end.\n</s>\n\n<s>\nOnce upon a time <s> </s> <unk>")));
            assertThat(prompt[0]).as("the template's BOS").isEqualTo(1);
            assertThat(Arrays.stream(prompt).skip(1)).doesNotContain(0, 1, 2);
        }
    }
}
