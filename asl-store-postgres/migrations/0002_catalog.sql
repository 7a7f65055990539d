-- The catalog of `asl serve`: state machines, their published versions and their
-- aliases, activities, and the tags of all of these (the server's `PostgresCatalog`).
-- Keys compare bytewise ("C"), as SQLite compares them, so that lists sort and page
-- alike whatever the database's locale. JSON is kept as the API normalised it (TEXT).

CREATE TABLE asl_state_machines (
    arn TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    type TEXT NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    logging TEXT NOT NULL,
    tracing TEXT NOT NULL,
    encryption TEXT,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL,
    revision_id TEXT,
    -- The number the next published version gets: numbers are never reused.
    next_version INTEGER NOT NULL
);
CREATE INDEX asl_state_machines_by_name ON asl_state_machines (name);

CREATE TABLE asl_versions (
    machine_arn TEXT COLLATE "C" NOT NULL,
    number INTEGER NOT NULL,
    definition TEXT NOT NULL,
    role_arn TEXT NOT NULL,
    logging TEXT NOT NULL,
    tracing TEXT NOT NULL,
    encryption TEXT,
    revision_id TEXT NOT NULL,
    description TEXT,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (machine_arn, number)
);

CREATE TABLE asl_aliases (
    arn TEXT COLLATE "C" PRIMARY KEY,
    machine_arn TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    description TEXT,
    -- The routes, a JSON array of {"version_arn", "weight"}.
    routing TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX asl_aliases_by_machine ON asl_aliases (machine_arn, created_ms, name);

CREATE TABLE asl_activities (
    arn TEXT COLLATE "C" PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    encryption TEXT,
    created_ms BIGINT NOT NULL
);
CREATE INDEX asl_activities_by_name ON asl_activities (name);

-- The tags of any resource (a state machine, an alias, an activity), by its ARN;
-- `position` keeps the order they were first set in.
CREATE TABLE asl_tags (
    arn TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (arn, key)
);
