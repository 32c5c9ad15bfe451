//! The WebSocket protocol of `/ws/live/{id}`.

use serde::{Deserialize, Serialize};
use telemetra_types::{Moment, StreamSummary, Timestamp, WindowMetrics};

/// One message to live clients, tagged by `type`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// Sent once on connect: where the channel stands. (Boxed: the other messages are
    /// far smaller, and this one is sent once per client.)
    Snapshot {
        /// The channel, if known yet.
        #[schema(required)]
        stream: Option<Box<StreamSummary>>,
        /// Its current window.
        #[schema(required)]
        window: Option<Box<WindowMetrics>>,
        /// Its recent moments, newest first.
        moments: Vec<Moment>,
    },
    /// A window's running values (about once a second) or its final values.
    Metrics {
        /// The window; replace any earlier message with the same `window_start`.
        window: WindowMetrics,
    },
    /// A viewer count sample.
    Viewers {
        /// Concurrent viewers.
        viewer_count: u64,
        /// Sample time.
        timestamp: Timestamp,
    },
    /// A moment opened.
    Moment {
        /// The moment.
        moment: Moment,
    },
    /// The channel's lifecycle state changed.
    Stream {
        /// The channel.
        stream: StreamSummary,
    },
}

impl LiveMessage {
    /// The JSON text sent on the socket.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("live messages always serialize")
    }
}
