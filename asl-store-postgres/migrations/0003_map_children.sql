-- The children of Distributed Maps handed to the fleet: the process running the
-- parent offers each child here, any node claims it (`node`), runs it and records its
-- `outcome`, and the parent's process takes the outcome and deletes the row. A row a
-- dead node claimed (its `asl_nodes` row gone) is claimed again.
CREATE TABLE asl_map_children (
    -- The child execution's ARN.
    arn TEXT PRIMARY KEY,
    -- The order children were offered in.
    offered BIGSERIAL NOT NULL,
    -- The ARN of the execution whose Map runs it.
    parent TEXT NOT NULL,
    -- What runs it (a JSON SpreadChild).
    request TEXT NOT NULL,
    -- The node that claimed it, if any.
    node BIGINT,
    -- `{"output": ...}` or `{"error": ..., "cause": ...}`, once it ended.
    outcome TEXT
);
CREATE INDEX asl_map_children_waiting ON asl_map_children (offered) WHERE outcome IS NULL;
