-- Timers: an execution that has nothing to do but wait (a long Wait, a retry's
-- backoff) is parked rather than kept in its node's memory. Parking gives up its
-- owner and adds its row here; whichever node finds it due first claims it (the row
-- deleted, the execution owned again) and resumes the execution from its last
-- checkpoint. A parked execution is no node's to take over.
CREATE TABLE asl_timers (
    -- The parked execution's ARN.
    arn TEXT PRIMARY KEY,
    -- When it is due, in milliseconds since the Unix epoch.
    due_ms BIGINT NOT NULL
);
CREATE INDEX asl_timers_by_due ON asl_timers (due_ms);
