package dev.tessera.llm;

import dev.tessera.conformance.textgen.TextGenerationBadInputContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class LlmBadInputTest extends TextGenerationBadInputContract {}
