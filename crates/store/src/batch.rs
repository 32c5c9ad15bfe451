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
        self.len() == 0
    }
}
