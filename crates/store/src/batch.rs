//! One atomic unit of writes.

use telemetra_types::{Moment, Rejected, StreamState, Transaction, ViewerCount, WindowMetrics};

/// A rejected input record with where it came from: the key that makes storing it
/// idempotent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetter {
    /// Input it came from, e.g. `file:events.jsonl` or `bus:chat:3`.
    pub source: String,
    /// Offset or line number within the source.
    pub position: u64,
    /// What was wrong, and the original bytes.
    pub rejected: Rejected,
}

/// Everything to write after processing some input, applied in one transaction.
#[derive(Clone, Debug, Default)]
pub struct WriteBatch {
    /// Window results; a final row is never overwritten by a running one.
    pub windows: Vec<WindowMetrics>,
    /// Opened moments.
    pub moments: Vec<Moment>,
    /// Channel states.
    pub streams: Vec<StreamState>,
    /// Viewer samples.
    pub viewers: Vec<ViewerCount>,
    /// Money events.
    pub transactions: Vec<Transaction>,
    /// Rejected input.
    pub dead_letters: Vec<DeadLetter>,
    /// Distributed mode: the processor shard these results come from; the write is
    /// refused if another processor has taken the shard over since.
    pub lease: Option<ShardLease>,
    /// Distributed mode: the shard's engine state and input offsets after the input
    /// these results account for, saved in the same transaction.
    pub checkpoint: Option<Checkpoint>,
}

/// A processor's ownership of a shard: valid while the stored epoch is this one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardLease {
    /// Consumer group.
    pub group_id: String,
    /// Shard (the partition number of every input topic).
    pub shard: u32,
    /// Epoch the processor took the shard with.
    pub epoch: i64,
}

/// Where a shard's processing stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Next offset to read per input topic (JSON object).
    pub offsets: String,
    /// The engine snapshot.
    pub state: Vec<u8>,
}

impl WriteBatch {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.windows.len()
            + self.moments.len()
            + self.streams.len()
            + self.viewers.len()
            + self.transactions.len()
            + self.dead_letters.len()
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.len() == 0 && self.checkpoint.is_none()
    }
}
