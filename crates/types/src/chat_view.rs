//! A chat message that borrows its text from the bytes it was decoded from.
//!
//! Chat is nearly all of the input, and decoding an owned [`ChatMessage`] costs an
//! allocation per string (id, channel, user, text, each emote and badge). The engine
//! only reads those strings while it counts the message, so the view borrows them
//! from the input instead; only a string with JSON escapes in it is copied.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use smallvec::SmallVec;

use crate::{ChannelId, ChatMessage, Timestamp};

mod scan;

/// A chat message as the engine counts it: the same wire fields and rules as
/// [`ChatMessage`], borrowed. `badges` and `sentiment_hint` are checked for their
/// type and not kept, as nothing downstream of the engine reads them.
#[derive(Clone, Debug, Deserialize)]
pub struct ChatView<'a> {
    /// Unique id of the message.
    #[serde(borrow)]
    pub message_id: Text<'a>,
    /// Channel the message was sent in: a valid channel login, checked when the view
    /// was made and private so that it stays one ([`ChatView::channel`]).
    #[serde(borrow, deserialize_with = "channel")]
    channel: Text<'a>,
    /// Login of the sender.
    #[serde(borrow)]
    pub username: Text<'a>,
    /// Message text.
    #[serde(borrow)]
    pub message: Text<'a>,
    /// Event time.
    pub timestamp: Timestamp,
    /// Emote names in the message; repeats count. Inline up to four (most messages
    /// with emotes have one or two), so a message costs no allocation for them.
    #[serde(borrow, default)]
    pub emotes: Option<Emotes<'a>>,
    #[serde(
        default,
        rename = "badges",
        deserialize_with = "checked::<StringList, _>"
    )]
    _badges: (),
    #[serde(
        default,
        rename = "sentiment_hint",
        deserialize_with = "checked::<AnyText, _>"
    )]
    _sentiment_hint: (),
    /// Bits cheered with the message.
    #[serde(default)]
    pub bits: Option<u64>,
    /// The `type` field, optional for chat.
    #[serde(default, rename = "type", deserialize_with = "type_field")]
    type_field: TypeField,
}

impl<'a> ChatView<'a> {
    /// `text` as a view, if it is a chat message the borrowed path accepts outright
    /// (see [`ChatView::is_valid`]); `None` leaves it to the owned decoders.
    pub(crate) fn read(text: &'a str) -> Option<Self> {
        // The common shape without serde; serde for everything the scanner leaves.
        scan::scan(text)
            .or_else(|| serde_json::from_str(text).ok())
            .filter(Self::is_valid)
    }

    /// A view of an owned message.
    pub fn of(m: &'a ChatMessage) -> Self {
        let text = |s: &'a str| Text(Cow::Borrowed(s));
        Self {
            message_id: text(&m.message_id),
            channel: text(m.channel.as_str()),
            username: text(&m.username),
            message: text(&m.message),
            timestamp: m.timestamp,
            emotes: m
                .emotes
                .as_ref()
                .map(|e| e.iter().map(|s| text(s)).collect()),
            _badges: (),
            _sentiment_hint: (),
            bits: m.bits,
            type_field: TypeField::Absent,
        }
    }

    /// The channel the message was sent in.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// The channel as an owned id, without checking it again.
    pub fn channel_id(&self) -> ChannelId {
        ChannelId::checked(self.channel.as_str())
    }

    /// The emote names, repeats included.
    pub fn emotes(&self) -> impl Iterator<Item = &str> + use<'_, 'a> {
        self.emotes.iter().flatten().map(|e| e.as_str())
    }

    /// Whether the view is the message the owned decoders would give: the schema
    /// rules serde's types do not enforce hold, and a `type` field, if any, says
    /// `chat` (any other value is for the owned path to judge).
    fn is_valid(&self) -> bool {
        !self.message_id.is_empty()
            && !self.username.is_empty()
            && self.type_field != TypeField::Other
    }
}

/// Views are equal when the messages are: what was only checked is not compared.
/// Views of different lifetimes compare (the emote list makes a view invariant), so
/// the emote lists are compared as slices, which shorten to either.
impl<'b> PartialEq<ChatView<'b>> for ChatView<'_> {
    fn eq(&self, other: &ChatView<'b>) -> bool {
        (
            &self.message_id,
            &self.channel,
            &self.username,
            &self.message,
            self.timestamp,
            self.emotes.as_deref(),
            self.bits,
        ) == (
            &other.message_id,
            &other.channel,
            &other.username,
            &other.message,
            other.timestamp,
            other.emotes.as_deref(),
            other.bits,
        )
    }
}

/// The emote list of a view.
pub type Emotes<'a> = SmallVec<[Text<'a>; 4]>;

/// A string field, borrowed from the input unless it had to be unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text<'a>(pub Cow<'a, str>);

impl Text<'_> {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// serde's own `Cow<str>` always copies; this borrows whenever the input allows.
impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                s: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

fn channel<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
    let text = Text::deserialize(d)?;
    ChannelId::check(&text).map_err(serde::de::Error::custom)?;
    Ok(text)
}

/// What a message's `type` field says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum TypeField {
    /// There is none.
    #[default]
    Absent,
    /// `"chat"`.
    Chat,
    /// Anything else, `null` included.
    Other,
}

fn type_field<'de, D: Deserializer<'de>>(d: D) -> Result<TypeField, D::Error> {
    Ok(match Option::<Text>::deserialize(d)? {
        Some(t) if t.as_str() == "chat" => TypeField::Chat,
        _ => TypeField::Other,
    })
}

/// An optional field whose type is checked and whose value is not kept.
fn checked<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    Option::<T>::deserialize(d).map(|_| ())
}

/// A list of strings (`badges`), checked and not kept.
struct StringList;

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
                while seq.next_element::<Text<'de>>()?.is_some() {}
                Ok(StringList)
            }
        }
        d.deserialize_seq(ListVisitor)
    }
}

/// A string (`sentiment_hint`), checked and not kept.
struct AnyText;

impl<'de> Deserialize<'de> for AnyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Text::deserialize(d).map(|_| AnyText)
    }
}
