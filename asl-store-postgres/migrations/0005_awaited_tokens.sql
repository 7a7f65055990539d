-- A parked execution may wait for the outcome of a task token too (a callback Task,
-- an activity a worker took), not only for its timer: the token it awaits. Whoever
-- records an outcome for it wakes the execution at once; a node that finds one
-- recorded for a parked execution (its recorder died before waking it) wakes it
-- too. Parking with a token and recording an outcome for it take the same
-- transaction-level advisory lock (`hashtextextended(token, 0)`), so that neither
-- misses the other.
ALTER TABLE asl_timers ADD COLUMN token TEXT;
CREATE INDEX asl_timers_by_token ON asl_timers (token) WHERE token IS NOT NULL;
