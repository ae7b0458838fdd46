package dev.tessera.llm;

import dev.tessera.conformance.textgen.DecoderOipV2Contract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class LlmOipV2Test extends DecoderOipV2Contract {}
