package dev.tessera.slm;

import dev.tessera.conformance.textgen.TextGenerationBatchInvarianceContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SlmBatchInvarianceTest extends TextGenerationBatchInvarianceContract {}
