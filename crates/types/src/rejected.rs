//! Invalid input as data: what was wrong and the exact bytes that arrived.

use serde::{Deserialize, Serialize};

use crate::Topic;

/// Why an input record was rejected. Bounded set: used as a metric label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// Not parseable JSON.
    MalformedJson,
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// Valid JSON that breaks the schema: missing fields, wrong types, bad values.
    SchemaViolation,
    /// Larger than the per-event limit.
    Oversize,
    /// A file line whose kind cannot be told.
    UnknownKind,
    /// Event time too far ahead of the wall clock; it must not move the watermark.
    FutureTimestamp,
    /// The same event (kind and id, same slide of the same channel) again: already
    /// counted once.
    DuplicateId,
}

impl RejectReason {
    /// A short stable label.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::MalformedJson => "malformed_json",
            RejectReason::InvalidUtf8 => "invalid_utf8",
            RejectReason::SchemaViolation => "schema_violation",
            RejectReason::Oversize => "oversize",
            RejectReason::UnknownKind => "unknown_kind",
            RejectReason::FutureTimestamp => "future_timestamp",
            RejectReason::DuplicateId => "duplicate_id",
        }
    }
}

/// A rejected input record, bound for the dead-letter path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// Category of the problem.
    pub reason: RejectReason,
    /// Human-readable detail, e.g. "missing field `channel` at line 1 column 52".
    pub detail: String,
    /// The topic it arrived on, when known.
    pub topic: Option<Topic>,
    /// The original bytes, unchanged.
    pub raw: Vec<u8>,
}

impl Rejected {
    /// Builds a rejection, keeping a copy of the raw bytes.
    pub fn new(
        reason: RejectReason,
        detail: impl Into<String>,
        topic: Option<Topic>,
        raw: &[u8],
    ) -> Self {
        Self {
            reason,
            detail: detail.into(),
            topic,
            raw: raw.to_vec(),
        }
    }
}
