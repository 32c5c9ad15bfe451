//! Bytes to events. Never fails the stream: invalid input becomes a [`Rejected`].

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    ChatMessage, ChatView, Event, EventKind, RejectReason, Rejected, StreamEventType, StreamMeta,
    Timestamp, Topic, Transaction, ViewerCount,
};

/// Largest accepted event, in bytes. Real chat events are well under 2 KiB; the limit
/// keeps one hostile message from costing megabytes of parsing and storage.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// Finds a `"type"` key in raw bytes; built once, as building a searcher costs more
/// than a search of a small event.
static TYPE_FIELD: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"type\""));

/// Decodes one message from an input topic.
///
/// The hot path of every processor: bytes go straight into the typed struct, with no
/// intermediate JSON tree. A `type` field is optional on topics and rare, so the
/// message is parsed a second time, to check it, only when its bytes mention one.
pub fn decode_event(topic: Topic, raw: &[u8]) -> Result<Event, Rejected> {
    check_size(Some(topic), raw)?;
    // One pass over the whole message (ASCII goes a word at a time) is cheaper than
    // serde_json's check of each string as it parses bytes, which `from_str` skips.
    let text = check_utf8(Some(topic), raw)?;
    let kind = EventKind::of_topic(topic);
    let event = match kind {
        EventKind::Chat => serde_json::from_str(text).map(Event::Chat),
        EventKind::Viewer => serde_json::from_str(text).map(Event::Viewer),
        EventKind::Transaction => serde_json::from_str(text).map(Event::Transaction),
        EventKind::StreamMeta => serde_json::from_str(text).map(Event::StreamMeta),
    }
    .map_err(|e| {
        if let Some(unknown) = unknown_type(topic, raw) {
            return unknown;
        }
        let reason = match e.classify() {
            serde_json::error::Category::Data => RejectReason::SchemaViolation,
            _ => RejectReason::MalformedJson,
        };
        Rejected::new(reason, e.to_string(), Some(topic), raw)
    })?;
    if TYPE_FIELD.find(raw).is_some() {
        match type_field(topic, text, raw)? {
            None => {}
            Some(Value::String(t)) if t == kind.as_str() => {}
            Some(Value::String(t)) if EventKind::parse(&t).is_none() => {
                return Err(unknown_kind(&t, Some(topic), raw));
            }
            Some(other) => {
                return Err(Rejected::new(
                    RejectReason::SchemaViolation,
                    format!("field `type` is {other} on the {} topic", topic.label()),
                    Some(topic),
                    raw,
                ))
            }
        }
    }
    check_values(&event)
        .map_err(|d| Rejected::new(RejectReason::SchemaViolation, d, Some(topic), raw))?;
    Ok(event)
}

/// An event decoded for the engine: a chat message borrowed from its bytes (the
/// common case), any other event owned.
#[derive(Clone, Debug, PartialEq)]
pub enum EventView<'a> {
    /// A chat message, borrowing its strings.
    Chat(ChatView<'a>),
    /// Any event, owned.
    Owned(Event),
}

impl EventView<'_> {
    /// The event's kind.
    pub fn kind(&self) -> EventKind {
        match self {
            EventView::Chat(_) => EventKind::Chat,
            EventView::Owned(e) => e.kind(),
        }
    }

    /// The event's own id.
    pub fn id(&self) -> &str {
        match self {
            EventView::Chat(m) => &m.message_id,
            EventView::Owned(e) => e.id(),
        }
    }

    /// The event time.
    pub fn timestamp(&self) -> Timestamp {
        match self {
            EventView::Chat(m) => m.timestamp,
            EventView::Owned(e) => e.timestamp(),
        }
    }
}

/// Decodes one message from an input topic as [`decode_event`] does, accepting and
/// rejecting exactly the same input, but with chat borrowed from `raw`.
///
/// A chat message is first decoded borrowed. Anything that path does not accept
/// outright (a `type` other than `chat`, an error of any kind) goes to
/// [`decode_event`], whose answer, event or rejection, is the one returned: the
/// borrowed path is only ever a faster way to the same event.
pub fn decode_event_view(topic: Topic, raw: &[u8]) -> Result<EventView<'_>, Rejected> {
    if topic == Topic::Chat {
        if let Some(view) = chat_view(raw) {
            return Ok(EventView::Chat(view));
        }
    }
    decode_event(topic, raw).map(EventView::Owned)
}

/// Decodes one line of an event file as [`decode_line`] does, with chat borrowed
/// from `raw` in the same way as [`decode_event_view`]. A line that decodes as a chat
/// view is chat: it has a `message_id`, and a `type`, if any, of `chat`.
pub fn decode_line_view(raw: &[u8]) -> Result<EventView<'_>, Rejected> {
    match chat_view(raw) {
        Some(view) => Ok(EventView::Chat(view)),
        None => decode_line(raw).map(EventView::Owned),
    }
}

/// `raw` as a chat view, if it is a chat message the borrowed path fully accepts.
fn chat_view(raw: &[u8]) -> Option<ChatView<'_>> {
    if raw.len() > MAX_EVENT_BYTES {
        return None;
    }
    ChatView::read(std::str::from_utf8(raw).ok()?)
}

/// Decodes one line of an event file. Its kind is its `type` field when present,
/// otherwise inferred from the identifying field (SPEC §1).
pub fn decode_line(raw: &[u8]) -> Result<Event, Rejected> {
    let value = parse_value(None, raw)?;
    let kind = match value.get("type") {
        Some(Value::String(t)) => EventKind::parse(t).ok_or_else(|| unknown_kind(t, None, raw))?,
        Some(other) => {
            return Err(Rejected::new(
                RejectReason::SchemaViolation,
                format!("field `type` must be a string, got {other}"),
                None,
                raw,
            ))
        }
        None => infer_kind(&value).ok_or_else(|| {
            Rejected::new(
                RejectReason::UnknownKind,
                "no `type` field and none of message_id, viewer_count, transaction_id, event_type",
                None,
                raw,
            )
        })?,
    };
    decode_value(kind, value, Some(kind.topic()), raw)
}

/// The kind of a raw event as a file line tells it (its `type` field, or the field
/// only that kind has), without validating the rest: where a producer sends a line,
/// so that an invalid event is rejected on its own kind's topic for the same reason
/// as in a file.
pub fn peek_kind(raw: &[u8]) -> Option<EventKind> {
    let value: Value = serde_json::from_slice(raw).ok()?;
    match value.get("type") {
        Some(Value::String(t)) => EventKind::parse(t),
        Some(_) => None,
        None => infer_kind(&value),
    }
}

fn unknown_kind(t: &str, topic: Option<Topic>, raw: &[u8]) -> Rejected {
    Rejected::new(
        RejectReason::UnknownKind,
        format!("unknown event type {t:?}"),
        topic,
        raw,
    )
}

/// The top-level `type` field of a message that decoded as an event, read without
/// building the rest of it as a JSON tree: serde skips the other fields.
fn type_field(topic: Topic, text: &str, raw: &[u8]) -> Result<Option<Value>, Rejected> {
    #[derive(serde::Deserialize)]
    struct TypeOnly {
        #[serde(rename = "type", default, deserialize_with = "present")]
        kind: Option<Value>,
    }
    /// `Some` even for `null`, which `Option`'s own reading takes as absent.
    fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        <Value as serde::Deserialize>::deserialize(d).map(Some)
    }
    match serde_json::from_str::<TypeOnly>(text) {
        Ok(t) => Ok(t.kind),
        // Only a repeated `type` key fails here; the tree keeps the last one.
        Err(_) => Ok(parse_value(Some(topic), raw)?.get("type").cloned()),
    }
}

/// A message on a topic whose `type` names no known kind (only looked for when the
/// message failed to decode, and its bytes mention a `type`).
fn unknown_type(topic: Topic, raw: &[u8]) -> Option<Rejected> {
    TYPE_FIELD.find(raw)?;
    let value: Value = serde_json::from_slice(raw).ok()?;
    match value.get("type") {
        Some(Value::String(t)) if EventKind::parse(t).is_none() => {
            Some(unknown_kind(t, Some(topic), raw))
        }
        _ => None,
    }
}

/// The channel of a raw event, if it has a string `channel` field, found without
/// building the event: used to pick a partition before full decoding.
pub fn peek_channel(raw: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Peek<'a> {
        #[serde(borrow)]
        channel: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_slice::<Peek>(raw)
        .ok()?
        .channel
        .map(|c| c.into_owned())
}

fn infer_kind(value: &Value) -> Option<EventKind> {
    // Order matters: `event_id` is shared by viewer and stream events, so look for
    // the fields that only one kind has.
    if value.get("message_id").is_some() {
        Some(EventKind::Chat)
    } else if value.get("transaction_id").is_some() {
        Some(EventKind::Transaction)
    } else if value.get("viewer_count").is_some() {
        Some(EventKind::Viewer)
    } else if value.get("event_type").is_some() {
        Some(EventKind::StreamMeta)
    } else {
        None
    }
}

/// The size check that comes before any parsing.
fn check_size(topic: Option<Topic>, raw: &[u8]) -> Result<(), Rejected> {
    if raw.len() > MAX_EVENT_BYTES {
        return Err(Rejected::new(
            RejectReason::Oversize,
            format!(
                "event is {} bytes; the limit is {MAX_EVENT_BYTES}",
                raw.len()
            ),
            topic,
            raw,
        ));
    }
    Ok(())
}

fn check_utf8(topic: Option<Topic>, raw: &[u8]) -> Result<&str, Rejected> {
    std::str::from_utf8(raw)
        .map_err(|e| Rejected::new(RejectReason::InvalidUtf8, e.to_string(), topic, raw))
}

fn parse_value(topic: Option<Topic>, raw: &[u8]) -> Result<Value, Rejected> {
    check_size(topic, raw)?;
    let text = check_utf8(topic, raw)?;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Rejected::new(RejectReason::MalformedJson, e.to_string(), topic, raw))?;
    if !value.is_object() {
        return Err(Rejected::new(
            RejectReason::SchemaViolation,
            "an event must be a JSON object",
            topic,
            raw,
        ));
    }
    Ok(value)
}

fn decode_value(
    kind: EventKind,
    value: Value,
    topic: Option<Topic>,
    raw: &[u8],
) -> Result<Event, Rejected> {
    let schema_error =
        |detail: String| Rejected::new(RejectReason::SchemaViolation, detail, topic, raw);
    let event = match kind {
        EventKind::Chat => Event::Chat(typed::<ChatMessage>(value).map_err(schema_error)?),
        EventKind::Viewer => Event::Viewer(typed::<ViewerCount>(value).map_err(schema_error)?),
        EventKind::Transaction => {
            Event::Transaction(typed::<Transaction>(value).map_err(schema_error)?)
        }
        EventKind::StreamMeta => {
            Event::StreamMeta(typed::<StreamMeta>(value).map_err(schema_error)?)
        }
    };
    check_values(&event)
        .map_err(|d| Rejected::new(RejectReason::SchemaViolation, d, topic, raw))?;
    Ok(event)
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// The schema rules that serde's types do not already enforce.
fn check_values(event: &Event) -> Result<(), String> {
    let non_empty = |field: &str, v: &str| {
        if v.is_empty() {
            Err(format!("field `{field}` must not be empty"))
        } else {
            Ok(())
        }
    };
    match event {
        Event::Chat(e) => {
            non_empty("message_id", &e.message_id)?;
            non_empty("username", &e.username)
        }
        Event::Viewer(e) => non_empty("event_id", &e.event_id),
        Event::Transaction(e) => {
            non_empty("transaction_id", &e.transaction_id)?;
            if !(e.amount.is_finite() && e.amount >= 0.0) {
                return Err(format!(
                    "field `amount` must be a number >= 0, got {}",
                    e.amount
                ));
            }
            if let Some(c) = &e.currency {
                if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(format!(
                        "field `currency` must be a 3-letter ISO 4217 code, got {c:?}"
                    ));
                }
            }
            match &e.tier {
                None | Some(serde_json::Value::String(_)) | Some(serde_json::Value::Null) => Ok(()),
                Some(serde_json::Value::Number(n)) if n.is_u64() => Ok(()),
                Some(other) => Err(format!(
                    "field `tier` must be a string or a whole number, got {other}"
                )),
            }
        }
        Event::StreamMeta(e) => {
            non_empty("event_id", &e.event_id)?;
            match e.event_type {
                StreamEventType::Moderation if e.action.is_none() => {
                    Err("a `moderation` event needs the field `action`".into())
                }
                StreamEventType::RoomState if e.room_state.is_none() => {
                    Err("a `room_state` event needs the field `room_state`".into())
                }
                _ => match e.room_state.as_ref().and_then(|r| r.followers_only_minutes) {
                    Some(m) if m < -1 => Err(format!(
                        "field `room_state.followers_only_minutes` must be -1 (off) or more, got {m}"
                    )),
                    _ => Ok(()),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_kind_from_identifying_field() {
        let chat = br#"{"message_id":"m","channel":"c","username":"u","message":"hi","timestamp":"2025-10-16T10:30:00Z"}"#;
        assert_eq!(decode_line(chat).unwrap().kind(), EventKind::Chat);
        let viewer = br#"{"event_id":"e","channel":"c","viewer_count":3,"timestamp":"2025-10-16T10:30:00Z"}"#;
        assert_eq!(decode_line(viewer).unwrap().kind(), EventKind::Viewer);
        let meta = br#"{"event_id":"e","channel":"c","event_type":"stream_end","timestamp":"2025-10-16T10:30:00Z"}"#;
        assert_eq!(decode_line(meta).unwrap().kind(), EventKind::StreamMeta);
    }

    #[test]
    fn rejections_carry_reason_and_original_bytes() {
        let cases: [(&[u8], RejectReason); 6] = [
            (b"{not json", RejectReason::MalformedJson),
            (b"\xff\xfe{}", RejectReason::InvalidUtf8),
            (b"[1,2]", RejectReason::SchemaViolation),
            (
                br#"{"type":"chat","message_id":"m"}"#,
                RejectReason::SchemaViolation,
            ),
            (br#"{"type":"poll"}"#, RejectReason::UnknownKind),
            (br#"{"hello":"world"}"#, RejectReason::UnknownKind),
        ];
        for (raw, reason) in cases {
            let r = decode_line(raw).unwrap_err();
            assert_eq!(r.reason, reason, "{}", String::from_utf8_lossy(raw));
            assert_eq!(r.raw, raw);
            assert!(!r.detail.is_empty());
        }
    }

    #[test]
    fn an_unknown_type_is_the_same_rejection_on_a_topic_as_in_a_file() {
        let raw = br#"{"type":"poll","channel":"pixelqueen"}"#;
        assert_eq!(
            decode_line(raw).unwrap_err().reason,
            RejectReason::UnknownKind
        );
        for topic in Topic::ALL {
            assert_eq!(
                decode_event(topic, raw).unwrap_err().reason,
                RejectReason::UnknownKind
            );
        }
        assert_eq!(peek_kind(raw), None);
        assert_eq!(
            peek_kind(br#"{"transaction_id":"t","amount":-1}"#),
            Some(EventKind::Transaction)
        );
        assert_eq!(peek_kind(b"{broken"), None);
    }

    /// A view decoder must give what its owned decoder gives, event or rejection:
    /// `Some(true)` for a borrowed chat view, `Some(false)` for an owned event.
    fn agree(
        raw: &[u8],
        view: Result<EventView<'_>, Rejected>,
        owned: Result<Event, Rejected>,
    ) -> Option<bool> {
        let borrowed = match (view, owned) {
            (Ok(EventView::Chat(v)), Ok(Event::Chat(m))) => {
                assert_eq!(v, ChatView::of(&m), "{}", String::from_utf8_lossy(raw));
                true
            }
            (Ok(EventView::Owned(a)), Ok(b)) => {
                assert_eq!(a, b);
                false
            }
            (Err(a), Err(b)) => {
                assert_eq!(a, b);
                return None;
            }
            (a, b) => panic!("{}: view {a:?}, owned {b:?}", String::from_utf8_lossy(raw)),
        };
        Some(borrowed)
    }

    /// On the chat topic, and as a file line: the two decoders agree.
    fn view_agrees(raw: &[u8]) -> (Option<bool>, Option<bool>) {
        let topic = Topic::Chat;
        (
            agree(raw, decode_event_view(topic, raw), decode_event(topic, raw)),
            agree(raw, decode_line_view(raw), decode_line(raw)),
        )
    }

    #[test]
    fn chat_views_accept_and_reject_what_owned_decoding_does() {
        let chat = |extra: &str| {
            format!(
                r#"{{"message_id":"m1","channel":"pixelqueen","username":"ann","message":"hi Kappa","timestamp":"2025-10-16T10:30:00Z"{extra}}}"#
            )
        };
        let accepted_borrowed = [
            chat(""),
            chat(r#","emotes":["Kappa","Kappa"],"badges":["vip"],"bits":5"#),
            chat(r#","emotes":null,"badges":null,"sentiment_hint":null,"bits":null"#),
            chat(r#","sentiment_hint":"positive","extra":{"a":[1,2]}"#),
            // Escaped strings are copied, not refused.
            r#"{"message_id":"m\u0031","channel":"pixelqueen","username":"a\"b","message":"line\nbreak","timestamp":"2025-10-16T12:30:00+02:00","emotes":["\u004bappa"]}"#.to_owned(),
        ];
        for raw in &accepted_borrowed {
            assert_eq!(
                view_agrees(raw.as_bytes()),
                (Some(true), Some(true)),
                "{raw}"
            );
        }
        // A `type` field is checked by the owned path.
        // A `type` of `chat` is borrowed too; a duplicate key is for the owned path.
        let typed = chat(r#","type":"chat""#);
        assert_eq!(view_agrees(typed.as_bytes()), (Some(true), Some(true)));
        let twice = chat(r#","type":"chat","type":"chat""#);
        assert_eq!(view_agrees(twice.as_bytes()), (Some(false), Some(false)));
        let rejected = [
            chat(r#","type":"viewer""#),
            chat(r#","type":null"#),
            chat(r#","badges":"vip""#),
            chat(r#","badges":[1]"#),
            chat(r#","sentiment_hint":["a"]"#),
            chat(r#","emotes":[null]"#),
            chat(r#","bits":-1"#),
            chat(r#","message_id":"m2""#),
            r#"{"message_id":"","channel":"c","username":"u","message":"","timestamp":"2025-10-16T10:30:00Z"}"#.to_owned(),
            r#"{"message_id":"m","channel":"c","username":"","message":"","timestamp":"2025-10-16T10:30:00Z"}"#.to_owned(),
            r#"{"message_id":"m","channel":"Caps","username":"u","message":"","timestamp":"2025-10-16T10:30:00Z"}"#.to_owned(),
            r#"{"message_id":"m","channel":"c","username":"u","message":"","timestamp":"yesterday"}"#.to_owned(),
            r#"{"message_id":"m","channel":"c","username":"u","timestamp":"2025-10-16T10:30:00Z"}"#.to_owned(),
            "{broken".to_owned(),
        ];
        for raw in &rejected {
            assert_eq!(view_agrees(raw.as_bytes()).0, None, "{raw}");
        }
        assert_eq!(view_agrees(b"{\"message_id\":\"\xff\"}"), (None, None));
        let oversize = vec![b' '; MAX_EVENT_BYTES + 1];
        assert_eq!(view_agrees(&oversize), (None, None));
        // A file line of another kind is owned.
        let viewer = br#"{"type":"viewer","event_id":"e","channel":"c","viewer_count":3,"timestamp":"2025-10-16T10:30:00Z"}"#;
        assert!(matches!(
            decode_line_view(viewer),
            Ok(EventView::Owned(Event::Viewer(_)))
        ));
        // Other topics are owned.
        let viewer = br#"{"event_id":"e","channel":"c","viewer_count":3,"timestamp":"2025-10-16T10:30:00Z"}"#;
        assert!(matches!(
            decode_event_view(Topic::Viewer, viewer),
            Ok(EventView::Owned(Event::Viewer(_)))
        ));
    }

    #[test]
    fn a_type_on_a_topic_must_name_the_topics_kind() {
        let decode = |extra: &str| {
            let raw = format!(
                r#"{{"event_id":"e","channel":"c","viewer_count":3,"timestamp":"2025-10-16T10:30:00Z"{extra}}}"#
            );
            decode_event(Topic::Viewer, raw.as_bytes())
                .map(|_| ())
                .map_err(|r| r.reason)
        };
        assert_eq!(decode(""), Ok(()));
        assert_eq!(decode(r#","type":"viewer""#), Ok(()));
        assert_eq!(decode(r#","type" : "viewer" "#), Ok(()));
        assert_eq!(
            decode(r#","type":"chat""#),
            Err(RejectReason::SchemaViolation)
        );
        assert_eq!(decode(r#","type":"poll""#), Err(RejectReason::UnknownKind));
        assert_eq!(
            decode(r#","type":null"#),
            Err(RejectReason::SchemaViolation)
        );
        assert_eq!(decode(r#","type":7"#), Err(RejectReason::SchemaViolation));
        assert_eq!(
            decode(r#","type":["viewer"]"#),
            Err(RejectReason::SchemaViolation)
        );
        // A repeated key counts by its last value, as in a JSON tree.
        assert_eq!(decode(r#","type":"chat","type":"viewer""#), Ok(()));
        assert_eq!(
            decode(r#","type":"viewer","type":"chat""#),
            Err(RejectReason::SchemaViolation)
        );
        // Only the event's own field counts, not a `type` inside another value.
        assert_eq!(decode(r#","extra":{"type":"chat"}"#), Ok(()));
        assert_eq!(decode(r#","extra":"\"type\":\"chat\"""#), Ok(()));
    }

    #[test]
    fn oversize_is_rejected_before_parsing() {
        let raw = vec![b' '; MAX_EVENT_BYTES + 1];
        assert_eq!(
            decode_event(Topic::Chat, &raw).unwrap_err().reason,
            RejectReason::Oversize
        );
    }

    #[test]
    fn file_line_round_trips() {
        let raw = br#"{"transaction_id":"t1","channel":"demo","transaction_type":"gift_sub","amount":24.95,"timestamp":"2025-10-16T10:30:00+02:00","count":5}"#;
        let event = decode_line(raw).unwrap();
        let line = event.to_json_line();
        assert!(line.starts_with(r#"{"type":"transaction","#), "{line}");
        assert_eq!(decode_line(line.as_bytes()).unwrap(), event);
    }
}
