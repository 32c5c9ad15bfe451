-- The same table as in PostgreSQL, so both schemas stay one (the embedded mode does
-- not checkpoint: its bus lives and dies with the process).
CREATE TABLE processor_checkpoints (
    group_id   TEXT NOT NULL,
    shard      INTEGER NOT NULL,
    epoch      INTEGER NOT NULL,
    offsets    TEXT NOT NULL,
    state      BLOB,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (group_id, shard)
);
