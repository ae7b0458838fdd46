package dev.tessera.llm;

import dev.tessera.conformance.textgen.TextGenerationBatchInvarianceContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class LlmBatchInvarianceTest extends TextGenerationBatchInvarianceContract {}
