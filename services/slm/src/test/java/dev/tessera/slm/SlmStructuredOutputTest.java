package dev.tessera.slm;

import dev.tessera.conformance.textgen.StructuredOutputContract;
import io.quarkus.test.junit.QuarkusTest;

/** Schema-constrained answers over gRPC, always valid, on every model the service lists. */
@QuarkusTest
class SlmStructuredOutputTest extends StructuredOutputContract {}
