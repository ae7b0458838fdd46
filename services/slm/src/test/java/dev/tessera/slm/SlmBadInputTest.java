package dev.tessera.slm;

import dev.tessera.conformance.textgen.TextGenerationBadInputContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SlmBadInputTest extends TextGenerationBadInputContract {}
