package dev.tessera.llm;

import dev.tessera.conformance.textgen.StructuredOutputContract;
import io.quarkus.test.junit.QuarkusTest;

/** Schema-constrained answers over gRPC, always valid, on every model the service lists. */
@QuarkusTest
class LlmStructuredOutputTest extends StructuredOutputContract {}
