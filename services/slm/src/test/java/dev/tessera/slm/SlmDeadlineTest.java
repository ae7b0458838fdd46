package dev.tessera.slm;

import dev.tessera.conformance.textgen.TextGenerationDeadlineContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SlmDeadlineTest extends TextGenerationDeadlineContract {}
