package dev.tessera.llm;

import dev.tessera.conformance.textgen.TextGenerationHealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class LlmHealthTest extends TextGenerationHealthContract {}
