//! Topics: the four input streams and the dead-letter stream.

use serde::{Deserialize, Serialize};

/// Which input stream a record belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Chat messages.
    Chat,
    /// Viewer count samples.
    Viewer,
    /// Money events.
    Transactions,
    /// Stream lifecycle events.
    StreamMeta,
}

impl Topic {
    /// All input topics, in a fixed order.
    pub const ALL: [Topic; 4] = [
        Topic::Chat,
        Topic::Viewer,
        Topic::Transactions,
        Topic::StreamMeta,
    ];

    /// A short stable label (used in metrics and the dead-letter table).
    pub fn label(self) -> &'static str {
        match self {
            Topic::Chat => "chat",
            Topic::Viewer => "viewer",
            Topic::Transactions => "transactions",
            Topic::StreamMeta => "stream_meta",
        }
    }
}

/// Configurable topic names (SPEC §1 defaults).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topics {
    /// Chat topic name.
    pub chat: String,
    /// Viewer topic name.
    pub viewer: String,
    /// Transactions topic name.
    pub transactions: String,
    /// Stream lifecycle topic name.
    pub stream_meta: String,
    /// Dead-letter topic name.
    pub dlq: String,
}

impl Default for Topics {
    fn default() -> Self {
        Self {
            chat: "telemetra.events.chat".into(),
            viewer: "telemetra.events.viewer".into(),
            transactions: "telemetra.events.transactions".into(),
            stream_meta: "telemetra.events.stream_meta".into(),
            dlq: "telemetra.dlq".into(),
        }
    }
}

impl Topics {
    /// The configured name of an input topic.
    pub fn name(&self, topic: Topic) -> &str {
        match topic {
            Topic::Chat => &self.chat,
            Topic::Viewer => &self.viewer,
            Topic::Transactions => &self.transactions,
            Topic::StreamMeta => &self.stream_meta,
        }
    }

    /// The input topic with this configured name, if any.
    pub fn by_name(&self, name: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| self.name(*t) == name)
    }
}
