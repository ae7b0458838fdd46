package dev.tessera.slm;

import dev.tessera.conformance.textgen.TextGenerationContract;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;

/** The models this service lists, and int8 agrees with fp32's greedy opening this far. */
@QuarkusTest
class SlmGenerationTest extends TextGenerationContract {

    SlmGenerationTest() {
        super(List.of("stories15m-q8", "tool-slm"), ", there was a little");
    }
}
