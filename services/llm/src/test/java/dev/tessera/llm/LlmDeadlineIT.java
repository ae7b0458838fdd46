package dev.tessera.llm;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests, black-box: against the packaged service started as its own process, with production config. */
@QuarkusIntegrationTest
class LlmDeadlineIT extends LlmDeadlineTest {}
