-- The execution store: executions, their committed transitions, callback outcomes,
-- the journal's notes, and the processes (nodes) that hold leases on executions.

-- A process sharing the database: it owns the executions it runs while its lease
-- lasts. Its id is its fencing epoch: a process that lost its lease joins again under
-- a new id, and its row, once deleted, fences every write of the old one.
CREATE TABLE asl_nodes (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    lease_until TIMESTAMPTZ NOT NULL
);

CREATE TABLE asl_executions (
    arn TEXT PRIMARY KEY,
    -- The order executions started in.
    started BIGSERIAL NOT NULL,
    machine TEXT NOT NULL,
    name TEXT NOT NULL,
    input TEXT NOT NULL,
    start_ms BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    status TEXT NOT NULL,
    state TEXT,
    variables TEXT,
    last_event_id BIGINT NOT NULL,
    entered_event_id BIGINT NOT NULL,
    entered_ms BIGINT NOT NULL,
    stop_ms BIGINT,
    output TEXT,
    error TEXT,
    cause TEXT,
    redrive_count INTEGER NOT NULL,
    redrive_ms BIGINT,
    -- The node that runs it (asl_nodes.id), if any.
    owner BIGINT
);
CREATE UNIQUE INDEX asl_executions_by_start ON asl_executions (started);
CREATE INDEX asl_executions_running ON asl_executions (owner) WHERE status = 'RUNNING';

-- One row per committed checkpoint: `xid`, the transaction that committed it, and
-- `ordinal`, its place in that transaction's group.
CREATE TABLE asl_transitions (
    arn TEXT NOT NULL,
    seq BIGINT NOT NULL,
    events TEXT NOT NULL,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    ordinal INTEGER NOT NULL,
    PRIMARY KEY (arn, seq)
);
CREATE INDEX asl_transitions_by_commit ON asl_transitions (xid, ordinal);

-- The transactions that committed checkpoints, numbered in the order they committed:
-- `seq` is taken under an advisory lock held until the commit ends, so a reader that
-- sees a number sees every smaller one (those who follow every execution read
-- `asl_transitions` in this order, and never find a gap filled later).
CREATE TABLE asl_commits (
    seq BIGSERIAL PRIMARY KEY,
    xid xid8 NOT NULL UNIQUE
);

CREATE TABLE asl_callbacks (
    token TEXT PRIMARY KEY,
    outcome TEXT NOT NULL
);

-- Byte order ("C"), so that the notes under a prefix are one range of the key.
CREATE TABLE asl_notes (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

-- The writes refused to a node that had lost the execution or its lease (fencing):
-- what a paused or cut-off process tried to write after the others took over.
CREATE TABLE asl_refused_writes (
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    node BIGINT NOT NULL,
    what TEXT NOT NULL
);
