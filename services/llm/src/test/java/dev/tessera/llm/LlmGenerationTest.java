package dev.tessera.llm;

import dev.tessera.conformance.textgen.TextGenerationContract;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
class LlmGenerationTest extends TextGenerationContract {

    @Override
    protected List<String> models() {
        return List.of("stories15m", "tool-llm");
    }

    /** fp32's opening. */
    @Override
    protected String greedyOpening() {
        return ", there was a little girl named Lily.";
    }
}
