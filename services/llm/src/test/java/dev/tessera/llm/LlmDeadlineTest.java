package dev.tessera.llm;

import dev.tessera.conformance.textgen.TextGenerationDeadlineContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class LlmDeadlineTest extends TextGenerationDeadlineContract {}
