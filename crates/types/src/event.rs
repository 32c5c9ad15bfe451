//! The four input events of the wire contract (SPEC §1, `schemas/`).
//!
//! Field names are the ones users already know from the original design; optional
//! fields accept `null`; unknown fields are ignored so producers can evolve first.

use serde::{Deserialize, Serialize};

use crate::{ChannelId, Timestamp, Topic};

/// A chat message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Unique id of the message.
    pub message_id: String,
    /// Channel the message was sent in.
    pub channel: ChannelId,
    /// Login of the sender.
    pub username: String,
    /// Message text.
    pub message: String,
    /// Event time.
    pub timestamp: Timestamp,
    /// Emote names in the message; repeats count (an emote used twice is listed twice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emotes: Option<Vec<String>>,
    /// Chat badges of the sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badges: Option<Vec<String>>,
    /// A producer's free-form sentiment label; informational only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment_hint: Option<String>,
    /// Bits cheered with the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<u64>,
}

/// A viewer count sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewerCount {
    /// Unique id of the sample.
    pub event_id: String,
    /// Channel sampled.
    pub channel: ChannelId,
    /// Concurrent viewers.
    pub viewer_count: u64,
    /// Event time.
    pub timestamp: Timestamp,
    /// Viewers currently in chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chatter_count: Option<u64>,
}

/// Kinds of money event.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    /// A direct donation.
    Donation,
    /// A subscription or resubscription.
    Subscription,
    /// Cheered bits.
    Bits,
    /// Gifted subscriptions.
    GiftSub,
}

impl TransactionType {
    /// All types, in a fixed order.
    pub const ALL: [TransactionType; 4] = [
        TransactionType::Donation,
        TransactionType::Subscription,
        TransactionType::Bits,
        TransactionType::GiftSub,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionType::Donation => "donation",
            TransactionType::Subscription => "subscription",
            TransactionType::Bits => "bits",
            TransactionType::GiftSub => "gift_sub",
        }
    }
}

/// A money event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    /// Unique id of the transaction; the idempotency key in the store.
    pub transaction_id: String,
    /// Channel that received it.
    pub channel: ChannelId,
    /// What kind of money event.
    pub transaction_type: TransactionType,
    /// Amount in `currency`, never negative.
    pub amount: f64,
    /// Event time.
    pub timestamp: Timestamp,
    /// ISO 4217 code; `USD` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Login of the payer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Subscription tier, as text (`"1"`, `"1000"`, `"prime"`) or a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<serde_json::Value>,
    /// Number of gifted subscriptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl Transaction {
    /// The currency, defaulting to USD (SPEC §1).
    pub fn currency(&self) -> &str {
        self.currency.as_deref().unwrap_or("USD")
    }
}

/// Stream lifecycle event types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamEventType {
    /// The stream went live.
    StreamStart,
    /// The stream went offline.
    StreamEnd,
    /// The title changed.
    TitleChange,
    /// Another channel raided this one.
    RaidIncoming,
    /// The category (game) changed.
    CategoryChange,
    /// A moderator acted in chat (timeout, ban, chat clear, message deletion); counted
    /// per window. `action` says which.
    Moderation,
    /// The chat room's settings changed (emote-only, slow mode, …); `room_state` holds
    /// the settings that changed.
    RoomState,
}

/// What a moderator did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationAction {
    /// A user was timed out for `duration_s` seconds.
    Timeout,
    /// A user was banned.
    Ban,
    /// The whole chat was cleared.
    Clear,
    /// One message was deleted.
    Delete,
}

impl ModerationAction {
    /// All actions, in a fixed order.
    pub const ALL: [ModerationAction; 4] = [
        ModerationAction::Timeout,
        ModerationAction::Ban,
        ModerationAction::Clear,
        ModerationAction::Delete,
    ];
}

/// Chat room settings. Each field is absent when unchanged or unknown, so an update
/// that carries one setting leaves the others as they were.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
pub struct RoomSettings {
    /// Only emotes may be posted.
    #[schema(nullable = false)]
    pub emote_only: Option<bool>,
    /// Only subscribers may chat.
    #[schema(nullable = false)]
    pub subs_only: Option<bool>,
    /// Followers-only mode: minutes a user must have followed; -1 when off.
    #[schema(nullable = false)]
    pub followers_only_minutes: Option<i64>,
    /// Slow mode: seconds between a user's messages; 0 when off.
    #[schema(nullable = false)]
    pub slow_seconds: Option<u64>,
    /// Unique-chat (r9k) mode: repeated messages are refused.
    #[schema(nullable = false)]
    pub unique_chat: Option<bool>,
}

/// JSON leaves unknown settings out (the store merges objects key by key); binary
/// formats such as engine snapshots, which are not self-describing, keep every field.
impl Serialize for RoomSettings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        fn field<St: SerializeStruct, T: Serialize>(
            st: &mut St,
            sparse: bool,
            name: &'static str,
            value: &Option<T>,
        ) -> Result<(), St::Error> {
            if sparse && value.is_none() {
                st.skip_field(name)
            } else {
                st.serialize_field(name, value)
            }
        }
        let sparse = serializer.is_human_readable();
        let mut st = serializer.serialize_struct("RoomSettings", 5)?;
        field(&mut st, sparse, "emote_only", &self.emote_only)?;
        field(&mut st, sparse, "subs_only", &self.subs_only)?;
        field(
            &mut st,
            sparse,
            "followers_only_minutes",
            &self.followers_only_minutes,
        )?;
        field(&mut st, sparse, "slow_seconds", &self.slow_seconds)?;
        field(&mut st, sparse, "unique_chat", &self.unique_chat)?;
        st.end()
    }
}

/// A stream lifecycle event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamMeta {
    /// Unique id of the event.
    pub event_id: String,
    /// Channel concerned.
    pub channel: ChannelId,
    /// What happened.
    pub event_type: StreamEventType,
    /// Event time.
    pub timestamp: Timestamp,
    /// Stream title (on start and title changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Stream category (on start and category changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Raiding channel (on raids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raider: Option<String>,
    /// Viewers brought by the raid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raid_viewers: Option<u64>,
    /// What the moderator did (on `moderation`, where it is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ModerationAction>,
    /// The user a timeout, ban or deletion concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_user: Option<String>,
    /// Length of a timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u64>,
    /// The room settings that changed (on `room_state`, where it is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_state: Option<RoomSettings>,
}

impl StreamMeta {
    /// A lifecycle event with only the required fields set.
    pub fn new(
        event_id: impl Into<String>,
        channel: ChannelId,
        event_type: StreamEventType,
        timestamp: Timestamp,
    ) -> Self {
        Self {
            event_id: event_id.into(),
            channel,
            event_type,
            timestamp,
            title: None,
            category: None,
            raider: None,
            raid_viewers: None,
            action: None,
            target_user: None,
            duration_s: None,
            room_state: None,
        }
    }
}

/// The kind of an event, named as in the `type` field of event files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// [`ChatMessage`]
    Chat,
    /// [`ViewerCount`]
    Viewer,
    /// [`Transaction`]
    Transaction,
    /// [`StreamMeta`]
    StreamMeta,
}

impl EventKind {
    /// The `type` value in event files.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Chat => "chat",
            EventKind::Viewer => "viewer",
            EventKind::Transaction => "transaction",
            EventKind::StreamMeta => "stream_meta",
        }
    }

    /// Parses a `type` value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "chat" => Some(EventKind::Chat),
            "viewer" => Some(EventKind::Viewer),
            "transaction" => Some(EventKind::Transaction),
            "stream_meta" => Some(EventKind::StreamMeta),
            _ => None,
        }
    }

    /// The topic events of this kind travel on.
    pub fn topic(self) -> Topic {
        match self {
            EventKind::Chat => Topic::Chat,
            EventKind::Viewer => Topic::Viewer,
            EventKind::Transaction => Topic::Transactions,
            EventKind::StreamMeta => Topic::StreamMeta,
        }
    }

    /// The kind carried by a topic.
    pub fn of_topic(topic: Topic) -> Self {
        match topic {
            Topic::Chat => EventKind::Chat,
            Topic::Viewer => EventKind::Viewer,
            Topic::Transactions => EventKind::Transaction,
            Topic::StreamMeta => EventKind::StreamMeta,
        }
    }
}

/// Any input event.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A chat message.
    Chat(ChatMessage),
    /// A viewer count sample.
    Viewer(ViewerCount),
    /// A money event.
    Transaction(Transaction),
    /// A stream lifecycle event.
    StreamMeta(StreamMeta),
}

impl Event {
    /// The event's channel: its partition key.
    pub fn channel(&self) -> &ChannelId {
        match self {
            Event::Chat(e) => &e.channel,
            Event::Viewer(e) => &e.channel,
            Event::Transaction(e) => &e.channel,
            Event::StreamMeta(e) => &e.channel,
        }
    }

    /// The event's own id (`message_id`, `event_id` or `transaction_id`).
    pub fn id(&self) -> &str {
        match self {
            Event::Chat(e) => &e.message_id,
            Event::Viewer(e) => &e.event_id,
            Event::Transaction(e) => &e.transaction_id,
            Event::StreamMeta(e) => &e.event_id,
        }
    }

    /// The event time.
    pub fn timestamp(&self) -> Timestamp {
        match self {
            Event::Chat(e) => e.timestamp,
            Event::Viewer(e) => e.timestamp,
            Event::Transaction(e) => e.timestamp,
            Event::StreamMeta(e) => e.timestamp,
        }
    }

    /// The event's kind.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Chat(_) => EventKind::Chat,
            Event::Viewer(_) => EventKind::Viewer,
            Event::Transaction(_) => EventKind::Transaction,
            Event::StreamMeta(_) => EventKind::StreamMeta,
        }
    }

    /// The event as one Kafka message payload: the bare object, no `type` field.
    pub fn to_json(&self) -> Vec<u8> {
        let out = match self {
            Event::Chat(e) => serde_json::to_vec(e),
            Event::Viewer(e) => serde_json::to_vec(e),
            Event::Transaction(e) => serde_json::to_vec(e),
            Event::StreamMeta(e) => serde_json::to_vec(e),
        };
        out.expect("events contain only strings, numbers and lists, which always serialize")
    }

    /// The event as one line of an event file: the object with its `type` first.
    pub fn to_json_line(&self) -> String {
        let body = self.to_json();
        let body = std::str::from_utf8(&body).expect("serde_json writes UTF-8");
        // Splice `"type"` in front instead of re-serializing through a map.
        format!("{{\"type\":\"{}\",{}", self.kind().as_str(), &body[1..])
    }
}

#[cfg(test)]
mod tests {
    use super::RoomSettings;

    #[test]
    fn room_settings_leave_unknown_settings_out_of_json_only() {
        let slow = RoomSettings {
            slow_seconds: Some(30),
            ..RoomSettings::default()
        };
        assert_eq!(
            serde_json::to_string(&slow).unwrap(),
            r#"{"slow_seconds":30}"#
        );
        let back: RoomSettings = serde_json::from_str(r#"{"slow_seconds":30}"#).unwrap();
        assert_eq!(back, slow);
        let bytes = postcard::to_allocvec(&slow).unwrap();
        assert_eq!(postcard::from_bytes::<RoomSettings>(&bytes).unwrap(), slow);
    }
}
