package dev.tessera.llm;

import dev.tessera.conformance.textgen.TextGenerationContract;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

/** The models this service lists, and fp32's greedy opening. */
@QuarkusTest
class LlmGenerationTest extends TextGenerationContract {

    LlmGenerationTest() {
        super(List.of("stories15m", "tool-llm"), ", there was a little girl named Lily.");
    }
}
