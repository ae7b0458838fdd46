package dev.tessera.slm;

import dev.tessera.conformance.textgen.DecoderOipV2Contract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SlmOipV2Test extends DecoderOipV2Contract {}
