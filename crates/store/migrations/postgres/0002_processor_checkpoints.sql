-- Distributed mode: each processor shard (one partition number of every input topic)
-- has one row. `epoch` grows each time a processor takes the shard over; every write
-- of the owner checks it in the same transaction, so a processor that lost the shard
-- in a rebalance can no longer write. `state` (the engine's snapshot) and `offsets`
-- (the next offset to read per topic, JSON) are saved together with the results they
-- account for, which is what makes a restart resume exactly.
CREATE TABLE processor_checkpoints (
    group_id   TEXT NOT NULL,
    shard      INTEGER NOT NULL,
    epoch      BIGINT NOT NULL,
    offsets    TEXT NOT NULL,
    state      BYTEA,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, shard)
);
