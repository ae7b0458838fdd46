package dev.tessera.slm;

import dev.tessera.conformance.textgen.TextGenerationContract;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

@QuarkusTest
class SlmGenerationTest extends TextGenerationContract {

    @Override
    protected List<String> models() {
        return List.of("stories15m-q8", "tool-slm");
    }

    /** int8 agrees with fp32's opening (', there was a little girl named Lily.') this far. */
    @Override
    protected String greedyOpening() {
        return ", there was a little";
    }
}
