//! The log between producers and the engine: records in partitions, with offsets.
//!
//! Events are keyed by channel, so one channel's events stay in one partition and in
//! order; the engine keeps a watermark per partition. The embedded default uses the
//! in-process [`memory`] bus; the distributed mode uses Kafka with the same record
//! shape and the same key-to-partition mapping.

pub mod memory;
mod partition;

use bytes::Bytes;
use telemetra_types::Topic;

pub use partition::partition_for;

/// One message read from the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Topic it was read from; `None` for a line of an event file, whose kind is
    /// told by its content.
    pub topic: Option<Topic>,
    /// Partition within the topic.
    pub partition: u32,
    /// Position within the partition.
    pub offset: u64,
    /// The raw message, exactly as produced.
    pub payload: Bytes,
}
