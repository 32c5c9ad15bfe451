//! What the engine produces and every reader consumes: window results, moments and
//! stream state. Field names are the storage columns of SPEC §3.

use serde::{Deserialize, Serialize};

use crate::{ChannelId, ModerationAction, RoomSettings, Timestamp, TransactionType};

/// A name with a count: one entry of a top list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CountEntry {
    /// Emote name or username.
    pub name: String,
    /// Occurrences in the window.
    pub count: u64,
}

/// The aggregates of one channel over one event-time window `[window_start, window_end)`.
///
/// Emitted repeatedly while the window is open (`is_final == false`, running values)
/// and once more when the watermark passes its end (`is_final == true`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WindowMetrics {
    /// Channel.
    pub stream_id: ChannelId,
    /// Inclusive start, aligned to the slide.
    pub window_start: Timestamp,
    /// Exclusive end.
    pub window_end: Timestamp,
    /// Chat messages.
    pub message_count: u64,
    /// Chat messages per minute over the window length.
    pub messages_per_min: f64,
    /// Exact number of distinct chatters.
    pub unique_chatters: u64,
    /// Emote occurrences, repeats included.
    pub emote_count: u64,
    /// Most used emotes, most first (ties by name).
    pub top_emotes: Vec<CountEntry>,
    /// Most active chatters, most first (ties by name).
    pub top_chatters: Vec<CountEntry>,
    /// Mean message sentiment in −1..1, when the window has scored messages.
    #[schema(required)]
    pub sentiment_score: Option<f64>,
    /// Messages classified positive.
    pub positive_count: u64,
    /// Messages classified neutral.
    pub neutral_count: u64,
    /// Messages classified negative.
    pub negative_count: u64,
    /// Latest viewer count by event time.
    #[schema(required)]
    pub viewer_last: Option<u64>,
    /// Lowest viewer count.
    #[schema(required)]
    pub viewer_min: Option<u64>,
    /// Highest viewer count.
    #[schema(required)]
    pub viewer_max: Option<u64>,
    /// Mean viewer count over the samples.
    #[schema(required)]
    pub viewer_avg: Option<f64>,
    /// Money events.
    pub transaction_count: u64,
    /// Sum of money event amounts.
    pub transaction_amount: f64,
    /// Money events and their sum per transaction type (types with none are left out).
    #[serde(default)]
    pub money_by_type: Vec<MoneyByType>,
    /// Moderator actions in chat.
    #[serde(default)]
    pub moderation: ModerationCounts,
    /// Whether the watermark has passed the window's end.
    pub is_final: bool,
}

/// Moderator actions counted in a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ModerationCounts {
    /// Users timed out.
    pub timeouts: u64,
    /// Users banned.
    pub bans: u64,
    /// Whole-chat clears.
    pub clears: u64,
    /// Single messages deleted.
    pub deletions: u64,
}

impl ModerationCounts {
    /// Counts one action.
    pub fn add(&mut self, action: ModerationAction) {
        match action {
            ModerationAction::Timeout => self.timeouts += 1,
            ModerationAction::Ban => self.bans += 1,
            ModerationAction::Clear => self.clears += 1,
            ModerationAction::Delete => self.deletions += 1,
        }
    }

    /// Adds another count.
    pub fn merge(&mut self, other: &ModerationCounts) {
        self.timeouts += other.timeouts;
        self.bans += other.bans;
        self.clears += other.clears;
        self.deletions += other.deletions;
    }

    /// All actions together.
    pub fn total(&self) -> u64 {
        self.timeouts + self.bans + self.clears + self.deletions
    }
}

/// Count and sum of one type of money event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MoneyByType {
    /// Kind of money event.
    pub transaction_type: TransactionType,
    /// How many.
    pub count: u64,
    /// Sum of their amounts.
    pub total: f64,
}

impl WindowMetrics {
    /// A window with no data yet: zero counts, no viewer samples.
    pub fn empty(
        stream_id: ChannelId,
        window_start: Timestamp,
        window_end: Timestamp,
        is_final: bool,
    ) -> Self {
        Self {
            stream_id,
            window_start,
            window_end,
            message_count: 0,
            messages_per_min: 0.0,
            unique_chatters: 0,
            emote_count: 0,
            top_emotes: Vec::new(),
            top_chatters: Vec::new(),
            sentiment_score: None,
            positive_count: 0,
            neutral_count: 0,
            negative_count: 0,
            viewer_last: None,
            viewer_min: None,
            viewer_max: None,
            viewer_avg: None,
            transaction_count: 0,
            transaction_amount: 0.0,
            money_by_type: Vec::new(),
            moderation: ModerationCounts::default(),
            is_final,
        }
    }
}

/// Kinds of moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MomentType {
    /// Chat rate far above its recent baseline.
    ChatSpike,
    /// Viewer count far above its recent baseline.
    ViewerSpike,
    /// Viewer count far below its recent baseline.
    ViewerDrop,
    /// Money far above its recent baseline.
    DonationBurst,
    /// Mean sentiment far from its recent baseline.
    SentimentShift,
    /// Another channel raided this one.
    RaidIncoming,
}

impl MomentType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MomentType::ChatSpike => "chat_spike",
            MomentType::ViewerSpike => "viewer_spike",
            MomentType::ViewerDrop => "viewer_drop",
            MomentType::DonationBurst => "donation_burst",
            MomentType::SentimentShift => "sentiment_shift",
            MomentType::RaidIncoming => "raid_incoming",
        }
    }
}

/// How remarkable a moment is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a glance.
    Low,
    /// Clearly unusual.
    Medium,
    /// Exceptional.
    High,
}

impl Severity {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// An unusual moment of a stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Moment {
    /// Deterministic id: replaying the same input yields the same id, so writes are idempotent.
    pub moment_id: String,
    /// Channel.
    pub stream_id: ChannelId,
    /// When it happened (event time).
    pub timestamp: Timestamp,
    /// What kind of moment.
    pub moment_type: MomentType,
    /// One line a streamer understands.
    pub description: String,
    /// How remarkable.
    pub severity: Severity,
    /// Standard scores from the baseline, for statistical moments.
    #[schema(required)]
    pub z_score: Option<f64>,
    /// The observed value.
    #[schema(required)]
    pub value: Option<f64>,
    /// The baseline mean it was compared with.
    #[schema(required)]
    pub baseline: Option<f64>,
    /// Type-specific details.
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
}

/// A channel's lifecycle state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StreamState {
    /// Channel.
    pub stream_id: ChannelId,
    /// Current title.
    #[schema(required)]
    pub title: Option<String>,
    /// Current category.
    #[schema(required)]
    pub category: Option<String>,
    /// Whether the stream is live.
    pub is_live: bool,
    /// Start of the current (or last) stream.
    #[schema(required)]
    pub started_at: Option<Timestamp>,
    /// End of the last stream, if it ended.
    #[schema(required)]
    pub ended_at: Option<Timestamp>,
    /// Time of the latest event seen for the channel.
    pub last_seen: Timestamp,
    /// Chat room settings as last reported (settings never reported are absent).
    #[serde(default)]
    pub room_state: RoomSettings,
}

/// A channel as listed by the API: lifecycle state plus its current numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StreamSummary {
    /// Lifecycle state (its fields appear inline in JSON).
    #[serde(flatten)]
    pub state: StreamState,
    /// Latest viewer count.
    #[schema(required)]
    pub viewer_count: Option<u64>,
    /// Chat messages per minute in the current window.
    #[schema(required)]
    pub chat_rate: Option<f64>,
}
