package dev.tessera.slm;

import dev.tessera.conformance.textgen.TextGenerationHealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SlmHealthTest extends TextGenerationHealthContract {}
