package dev.tessera.orchestrator.service;

/** What became of one backend the router considered; mirrors {@code tessera.orchestrator.v1.Outcome}. */
public enum Outcome {
    /** Called; its answer is the one returned. */
    ANSWERED,
    /** Called and answered, but the cascade did not accept the answer and escalated. */
    ESCALATED,
    /** Called; the call failed and the router fell back. */
    FAILED,
    /** Not called. */
    SKIPPED
}
