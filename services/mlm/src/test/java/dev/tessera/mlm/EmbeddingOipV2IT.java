package dev.tessera.mlm;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same contract, black-box: against the packaged service started as its own process, with production config. */
@QuarkusIntegrationTest
class EmbeddingOipV2IT extends EmbeddingOipV2Test {}
