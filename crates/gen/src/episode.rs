//! Scripted episodes: what the moment detector is expected to find.

use serde::{Deserialize, Serialize};
use telemetra_types::{ChannelId, Timestamp};

/// What kind of scripted episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpisodeKind {
    /// Chat many times faster than usual (a hype moment): expect a `chat_spike`.
    ChatBurst,
    /// Another channel raids: a `raid_incoming` event, a viewer jump and busier chat.
    Raid,
}

/// One scripted episode, recorded so tests can match moments against it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// What happens.
    pub kind: EpisodeKind,
    /// Where.
    pub channel: ChannelId,
    /// Event time it starts.
    pub start: Timestamp,
    /// Event time it ends (exclusive).
    pub end: Timestamp,
}

impl Episode {
    /// Whether `t` is inside the episode.
    pub fn contains(&self, t: i64) -> bool {
        (self.start.0..self.end.0).contains(&t)
    }
}
