//! Twitch chat messages → Telemetra events.
//!
//! | IRC | event |
//! |---|---|
//! | `PRIVMSG` | chat (plus a `bits` transaction when it carries `bits`) |
//! | `USERNOTICE` `sub`, `resub`, `giftpaidupgrade`, `anongiftpaidupgrade`, `primepaidupgrade` | subscription |
//! | `USERNOTICE` `subgift`, `anonsubgift`, `submysterygift`, `anonsubmysterygift` | gift_sub |
//! | `USERNOTICE` `raid` | stream_meta `raid_incoming` |
//! | `CLEARCHAT`, `CLEARMSG` | stream_meta `moderation` |
//! | `ROOMSTATE` | stream_meta `room_state` |
//!
//! Event ids come from the message itself (its `id` tag, or its channel, server time
//! and target), never from a counter or a clock, so replaying a recorded session
//! yields the same events and the store's upserts make the replay a no-op.

use std::fmt;

use telemetra_types::{
    ChannelId, ChatMessage, Event, ModerationAction, RoomSettings, StreamEventType, StreamMeta,
    Timestamp, Transaction, TransactionType,
};

use crate::emotes::{message_emotes, EmoteList};
use crate::irc::Message;

/// US list prices of subscriptions, in USD, as Twitch shows them on its subscribe page
/// for US viewers: Tier 1 $4.99, Tier 2 $9.99, Tier 3 $24.99; Prime Gaming subs cost
/// the viewer nothing extra, so they count as $0. (The streamer's share and regional
/// prices differ; list prices are a consistent, documented measure.)
pub fn sub_price_usd(plan: &str) -> f64 {
    match plan {
        "2000" => 9.99,
        "3000" => 24.99,
        "Prime" | "prime" => 0.0,
        _ => 4.99,
    }
}

/// The tier as the `tier` field carries it: `"1000"`, `"2000"`, `"3000"` or `"prime"`.
fn tier_value(plan: &str) -> serde_json::Value {
    match plan {
        "Prime" | "prime" => "prime".into(),
        "2000" | "3000" => plan.into(),
        _ => "1000".into(),
    }
}

/// What a message became.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapped {
    /// Events to send (one or more).
    Events(Vec<Event>),
    /// A message that carries no event (JOIN, NOTICE, an announcement…): what it was.
    Ignored(String),
}

/// Why a message that should become an event could not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapError {
    /// A parameter the command needs is missing (e.g. the channel).
    MissingParam(&'static str),
    /// The channel is not a valid login.
    BadChannel(String),
    /// A tag the event needs is missing or empty.
    MissingTag(&'static str),
    /// A tag has a value that cannot be read.
    BadTag(&'static str, String),
    /// No user to attribute the message to.
    MissingUser,
}

impl MapError {
    /// A short, stable name for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            MapError::MissingParam(_) => "missing_param",
            MapError::BadChannel(_) => "bad_channel",
            MapError::MissingTag(_) => "missing_tag",
            MapError::BadTag(..) => "bad_tag",
            MapError::MissingUser => "missing_user",
        }
    }
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::MissingParam(p) => write!(f, "missing parameter: {p}"),
            MapError::BadChannel(c) => write!(f, "invalid channel {c:?}"),
            MapError::MissingTag(t) => write!(f, "missing tag `{t}`"),
            MapError::BadTag(t, v) => write!(f, "tag `{t}` has an unreadable value {v:?}"),
            MapError::MissingUser => write!(f, "no login tag and no prefix nick"),
        }
    }
}

impl std::error::Error for MapError {}

/// Maps one parsed message. `received_ms` is the event time of messages that carry no
/// server time (`tmi-sent-ts`), which only ROOMSTATE lacks in practice.
pub fn map_message(
    msg: &Message,
    received_ms: i64,
    emotes: &EmoteList,
) -> Result<Mapped, MapError> {
    match msg.command.as_str() {
        "PRIVMSG" => privmsg(msg, received_ms, emotes),
        "USERNOTICE" => usernotice(msg, received_ms),
        "CLEARCHAT" => clearchat(msg, received_ms),
        "CLEARMSG" => clearmsg(msg, received_ms),
        "ROOMSTATE" => roomstate(msg, received_ms),
        other => Ok(Mapped::Ignored(other.to_ascii_lowercase())),
    }
}

fn channel(msg: &Message) -> Result<ChannelId, MapError> {
    let raw = msg.param(0).ok_or(MapError::MissingParam("channel"))?;
    let name = raw.strip_prefix('#').unwrap_or(raw).to_ascii_lowercase();
    ChannelId::parse(&name).map_err(|_| MapError::BadChannel(raw.chars().take(40).collect()))
}

fn timestamp(msg: &Message, received_ms: i64) -> Result<Timestamp, MapError> {
    match msg.tags.non_empty("tmi-sent-ts") {
        None => Ok(Timestamp(received_ms)),
        // Within what a timestamp can be written as (years 0000 to 9999); anything else
        // would make an event the decoder rejects.
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|ms| (0..=Timestamp::MAX.0).contains(ms))
            .map(Timestamp)
            .ok_or_else(|| bad("tmi-sent-ts", v)),
    }
}

fn bad(tag: &'static str, value: &str) -> MapError {
    MapError::BadTag(tag, value.chars().take(40).collect())
}

fn required<'a>(msg: &'a Message, tag: &'static str) -> Result<&'a str, MapError> {
    msg.tags.non_empty(tag).ok_or(MapError::MissingTag(tag))
}

fn number(msg: &Message, tag: &'static str) -> Result<u64, MapError> {
    let v = required(msg, tag)?;
    v.parse().map_err(|_| bad(tag, v))
}

/// The sender's login: the `login` tag, else the prefix nick. USERNOTICE comes from
/// the server (`:tmi.twitch.tv`), so there only the tag names the user.
fn user(msg: &Message) -> Result<String, MapError> {
    let from_prefix = msg.command != "USERNOTICE";
    msg.tags
        .non_empty("login")
        .or_else(|| msg.nick().filter(|n| from_prefix && !n.is_empty()))
        .map(str::to_ascii_lowercase)
        .ok_or(MapError::MissingUser)
}

fn privmsg(msg: &Message, received_ms: i64, list: &EmoteList) -> Result<Mapped, MapError> {
    let channel = channel(msg)?;
    let text = msg.param(1).ok_or(MapError::MissingParam("message"))?;
    let id = required(msg, "id")?;
    let username = user(msg)?;
    let timestamp = timestamp(msg, received_ms)?;
    // `/me` messages arrive as CTCP ACTION; the emote positions refer to the inner text.
    let text = text
        .strip_prefix("\u{1}ACTION ")
        .and_then(|t| t.strip_suffix('\u{1}'))
        .unwrap_or(text);
    let emotes = message_emotes(msg.tags.get("emotes"), text, list);
    let badges: Vec<String> = msg
        .tags
        .get("badges")
        .unwrap_or("")
        .split(',')
        .filter_map(|b| b.split('/').next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    let bits = match msg.tags.non_empty("bits") {
        None => None,
        Some(v) => Some(v.parse::<u64>().map_err(|_| bad("bits", v))?).filter(|b| *b > 0),
    };
    let mut events = vec![Event::Chat(ChatMessage {
        message_id: id.to_owned(),
        channel: channel.clone(),
        username: username.clone(),
        message: text.to_owned(),
        timestamp,
        emotes: (!emotes.is_empty()).then_some(emotes),
        badges: (!badges.is_empty()).then_some(badges),
        sentiment_hint: None,
        bits,
    })];
    if let Some(bits) = bits {
        // 100 bits cost the viewer about one US dollar (and earn the streamer $1).
        events.push(Event::Transaction(Transaction {
            transaction_id: format!("{id}-bits"),
            channel,
            transaction_type: TransactionType::Bits,
            amount: bits as f64 / 100.0,
            timestamp,
            currency: Some("USD".into()),
            username: Some(username),
            tier: None,
            count: None,
        }));
    }
    Ok(Mapped::Events(events))
}

fn usernotice(msg: &Message, received_ms: i64) -> Result<Mapped, MapError> {
    let kind = required(msg, "msg-id")?;
    let transaction = |transaction_type, amount: f64, count, tier| -> Result<Mapped, MapError> {
        Ok(Mapped::Events(vec![Event::Transaction(Transaction {
            transaction_id: required(msg, "id")?.to_owned(),
            channel: channel(msg)?,
            transaction_type,
            amount,
            timestamp: timestamp(msg, received_ms)?,
            currency: Some("USD".into()),
            username: Some(user(msg)?),
            tier,
            count,
        })]))
    };
    let plan = msg.tags.non_empty("msg-param-sub-plan");
    match kind {
        "sub" | "resub" | "giftpaidupgrade" | "anongiftpaidupgrade" | "primepaidupgrade" => {
            // Upgrades from a gifted sub carry no plan: they continue at Tier 1.
            let plan = plan.unwrap_or("1000");
            transaction(
                TransactionType::Subscription,
                sub_price_usd(plan),
                None,
                Some(tier_value(plan)),
            )
        }
        "subgift" | "anonsubgift" => {
            // The single gifts that make up a community ("mystery") gift follow its
            // `submysterygift` notice, which already counted them all.
            if msg.tags.non_empty("msg-param-community-gift-id").is_some() {
                return Ok(Mapped::Ignored("usernotice:subgift-of-mystery-gift".into()));
            }
            let plan = plan.unwrap_or("1000");
            transaction(
                TransactionType::GiftSub,
                sub_price_usd(plan),
                Some(1),
                Some(tier_value(plan)),
            )
        }
        "submysterygift" | "anonsubmysterygift" => {
            let count = number(msg, "msg-param-mass-gift-count")?;
            let plan = plan.unwrap_or("1000");
            transaction(
                TransactionType::GiftSub,
                sub_price_usd(plan) * count as f64,
                Some(count),
                Some(tier_value(plan)),
            )
        }
        "raid" => {
            let mut meta = StreamMeta::new(
                required(msg, "id")?,
                channel(msg)?,
                StreamEventType::RaidIncoming,
                timestamp(msg, received_ms)?,
            );
            meta.raider = Some(required(msg, "msg-param-login")?.to_ascii_lowercase());
            meta.raid_viewers = Some(number(msg, "msg-param-viewerCount")?);
            Ok(Mapped::Events(vec![Event::StreamMeta(meta)]))
        }
        other => Ok(Mapped::Ignored(format!("usernotice:{other}"))),
    }
}

fn clearchat(msg: &Message, received_ms: i64) -> Result<Mapped, MapError> {
    let channel = channel(msg)?;
    let timestamp = timestamp(msg, received_ms)?;
    let target = msg
        .param(1)
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase);
    let duration = match msg.tags.non_empty("ban-duration") {
        None => None,
        Some(v) => Some(v.parse::<u64>().map_err(|_| bad("ban-duration", v))?),
    };
    let action = match (&target, duration) {
        (None, _) => ModerationAction::Clear,
        (Some(_), Some(_)) => ModerationAction::Timeout,
        (Some(_), None) => ModerationAction::Ban,
    };
    let id = format!(
        "clearchat-{channel}-{}-{}",
        timestamp.0,
        target.as_deref().unwrap_or("*")
    );
    let mut meta = StreamMeta::new(id, channel, StreamEventType::Moderation, timestamp);
    meta.action = Some(action);
    meta.target_user = target;
    meta.duration_s = duration.filter(|_| action == ModerationAction::Timeout);
    Ok(Mapped::Events(vec![Event::StreamMeta(meta)]))
}

fn clearmsg(msg: &Message, received_ms: i64) -> Result<Mapped, MapError> {
    let channel = channel(msg)?;
    let target_msg = required(msg, "target-msg-id")?;
    let mut meta = StreamMeta::new(
        format!("clearmsg-{target_msg}"),
        channel,
        StreamEventType::Moderation,
        timestamp(msg, received_ms)?,
    );
    meta.action = Some(ModerationAction::Delete);
    meta.target_user = Some(required(msg, "login")?.to_ascii_lowercase());
    Ok(Mapped::Events(vec![Event::StreamMeta(meta)]))
}

fn roomstate(msg: &Message, received_ms: i64) -> Result<Mapped, MapError> {
    let channel = channel(msg)?;
    let flag = |tag: &'static str| -> Result<Option<bool>, MapError> {
        match msg.tags.get(tag) {
            None => Ok(None),
            Some("0") => Ok(Some(false)),
            Some("1") => Ok(Some(true)),
            Some(v) => Err(bad(tag, v)),
        }
    };
    let settings = RoomSettings {
        emote_only: flag("emote-only")?,
        subs_only: flag("subs-only")?,
        followers_only_minutes: match msg.tags.get("followers-only") {
            None => None,
            Some(v) => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|m| *m >= -1)
                    .ok_or_else(|| bad("followers-only", v))?,
            ),
        },
        slow_seconds: match msg.tags.get("slow") {
            None => None,
            Some(v) => Some(v.parse::<u64>().map_err(|_| bad("slow", v))?),
        },
        unique_chat: flag("r9k")?,
    };
    if settings == RoomSettings::default() {
        return Ok(Mapped::Ignored("roomstate:no-settings".into()));
    }
    let timestamp = timestamp(msg, received_ms)?;
    // ROOMSTATE has no id and no server time: the id is the channel, the event time
    // and the settings, so the same message at the same time is the same event.
    let id = format!(
        "roomstate-{channel}-{}-{}",
        timestamp.0,
        settings_key(&settings)
    );
    let mut meta = StreamMeta::new(id, channel, StreamEventType::RoomState, timestamp);
    meta.room_state = Some(settings);
    Ok(Mapped::Events(vec![Event::StreamMeta(meta)]))
}

/// A compact text form of the settings, e.g. `e1s0f-1w0u0` (absent: `_`).
fn settings_key(s: &RoomSettings) -> String {
    fn opt<T: ToString>(v: Option<T>) -> String {
        v.map_or_else(|| "_".to_owned(), |v| v.to_string())
    }
    let b = |v: Option<bool>| opt(v.map(u8::from));
    format!(
        "e{}s{}f{}w{}u{}",
        b(s.emote_only),
        b(s.subs_only),
        opt(s.followers_only_minutes),
        opt(s.slow_seconds),
        b(s.unique_chat)
    )
}
