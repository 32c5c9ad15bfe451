//! The shared vocabulary of Telemetra, at the bottom of the dependency graph.
//!
//! Everything that crosses a crate boundary lives here: the four input events of the
//! wire contract (`schemas/*.schema.json` is the source of truth, and a test checks
//! that these types agree with it), validated channel ids, event-time helpers, the
//! typed [`Rejected`] record that invalid input becomes instead of an error, and the
//! engine's outputs (window results, moments, stream state) that the store, the live
//! hub and the API all speak. Serde only: no I/O.

mod channel;
mod chat_view;
mod decode;
mod event;
mod output;
mod rejected;
mod time;
mod topic;

pub use channel::{ChannelId, InvalidChannel};
pub use chat_view::{ChatView, Emotes, Text};
pub use decode::{
    decode_event, decode_event_view, decode_line, decode_line_view, peek_channel, peek_kind,
    EventView, MAX_EVENT_BYTES,
};
pub use event::{
    ChatMessage, Event, EventKind, ModerationAction, RoomSettings, StreamEventType, StreamMeta,
    Transaction, TransactionType, ViewerCount,
};
pub use output::{
    CountEntry, ModerationCounts, Moment, MomentType, MoneyByType, Severity, StreamState,
    StreamSummary, WindowMetrics,
};
pub use rejected::{RejectReason, Rejected};
pub use time::{now_ms, Timestamp};
pub use topic::{Topic, Topics};
