package dev.tessera.orchestrator.agent;

/** Where a run stands; see {@code tessera.orchestrator.v1.RunState}. */
public enum RunState {
    RUNNING,
    SUCCEEDED,
    STOPPED,
    CANCELLED,
    FAILED
}
