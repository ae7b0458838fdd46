-- The agent's long-term memory, next to the ledger in the same database: episodic (run transcripts), semantic (facts
-- with their embedding vectors) and procedural (the tool sequences of successful runs, keyed by their goal's
-- embedding). Every row carries its tenant, and every read and write is made by tenant: no statement touches memory
-- without a tenant_id condition. Vectors are little-endian float32 arrays, tagged with the embedder that made them,
-- since vectors of two embedders cannot be compared.

-- One row per run (episodic memory, with agent_events).
CREATE TABLE agent_runs (
    id              VARCHAR(36)   PRIMARY KEY,
    tenant_id       VARCHAR(64)   NOT NULL,
    api_key_id      VARCHAR(32)   NOT NULL,
    goal            VARCHAR(4000) NOT NULL,
    tools           VARCHAR(1000) NOT NULL,
    max_steps       INTEGER       NOT NULL,
    budget_micros   BIGINT        NOT NULL,
    state           VARCHAR(16)   NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'STOPPED', 'CANCELLED', 'FAILED')),
    created_at      BIGINT        NOT NULL,
    ended_at        BIGINT
);
CREATE INDEX agent_runs_tenant ON agent_runs (tenant_id, created_at);

-- A run's events in order, each the JSON of one event.
CREATE TABLE agent_events (
    run_id     VARCHAR(36)    NOT NULL REFERENCES agent_runs (id) ON DELETE CASCADE,
    seq        INTEGER        NOT NULL,
    tenant_id  VARCHAR(64)    NOT NULL,
    body       VARCHAR(16000) NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- Facts written by the remember tool (semantic memory).
CREATE TABLE memory_facts (
    id          VARCHAR(36)   PRIMARY KEY,
    tenant_id   VARCHAR(64)   NOT NULL,
    fact        VARCHAR(2000) NOT NULL,
    embedder    VARCHAR(128)  NOT NULL,
    vector      BYTEA         NOT NULL,
    run_id      VARCHAR(36)   NOT NULL,
    created_at  BIGINT        NOT NULL
);
CREATE INDEX memory_facts_tenant ON memory_facts (tenant_id, embedder);
CREATE INDEX memory_facts_age ON memory_facts (tenant_id, created_at);

-- The tool sequence of each successful run, keyed by its goal's embedding (procedural memory).
CREATE TABLE memory_recipes (
    id              VARCHAR(36)   PRIMARY KEY,
    tenant_id       VARCHAR(64)   NOT NULL,
    goal            VARCHAR(4000) NOT NULL,
    tools           VARCHAR(1000) NOT NULL,
    steps           INTEGER       NOT NULL,
    charged_micros  BIGINT        NOT NULL,
    embedder        VARCHAR(128)  NOT NULL,
    vector          BYTEA         NOT NULL,
    run_id          VARCHAR(36)   NOT NULL,
    created_at      BIGINT        NOT NULL
);
CREATE INDEX memory_recipes_tenant ON memory_recipes (tenant_id, embedder);
CREATE INDEX memory_recipes_age ON memory_recipes (tenant_id, created_at);

-- How long a tenant's memory is kept, where it differs from the orchestrator's default.
CREATE TABLE memory_retention (
    tenant_id   VARCHAR(64) PRIMARY KEY REFERENCES tenants (id),
    days        INTEGER     NOT NULL CHECK (days > 0),
    updated_at  BIGINT      NOT NULL
);
