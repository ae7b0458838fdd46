package dev.tessera.slm;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests, black-box: against the packaged service started as its own process, with production config. */
@QuarkusIntegrationTest
class SlmDeadlineIT extends SlmDeadlineTest {}
