package dev.tessera.mlm;

import dev.tessera.conformance.embedding.EmbeddingBatchInvarianceContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class EmbeddingBatchInvarianceTest extends EmbeddingBatchInvarianceContract {}
