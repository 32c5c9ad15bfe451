//! Chat messages in the shape producers send them, read without serde.
//!
//! Nearly every event is a chat message written by a JSON serializer: one flat
//! object, a known set of keys, strings without escapes. serde_json's generic
//! machinery (a visitor per field, key matching through `Deserialize`, an error
//! type built for every path) costs more than reading such a message itself, so
//! this reads that shape directly and gives up on anything else. Giving up is
//! always safe: the caller then asks serde, whose answer stands. So the scanner only
//! has to be right about what it accepts, never complete.

use std::borrow::Cow;

use super::{ChatView, Emotes, Text, TypeField};
use crate::{ChannelId, Timestamp};

/// `text` as a chat view, if it is a message this reader fully understands and serde
/// would read as the same view; `None` means "ask serde", not "invalid".
pub(super) fn scan(text: &str) -> Option<ChatView<'_>> {
    Scanner { text, at: 0 }
        .in_serializer_order()
        .or_else(|| Scanner { text, at: 0 }.chat())
}

/// Which keys a message has had, so that a repeated one is left to serde (which
/// rejects it).
#[derive(Default)]
struct Seen(u16);

impl Seen {
    fn first(&mut self, key: Key) -> bool {
        let bit = 1 << key as u16;
        let first = self.0 & bit == 0;
        self.0 |= bit;
        first
    }

    fn has_required(&self) -> bool {
        let required = [
            Key::MessageId,
            Key::Channel,
            Key::Username,
            Key::Message,
            Key::Timestamp,
        ];
        required.iter().all(|&k| self.0 & (1 << k as u16) != 0)
    }
}

#[derive(Clone, Copy)]
enum Key {
    MessageId,
    Channel,
    Username,
    Message,
    Timestamp,
    Emotes,
    Badges,
    SentimentHint,
    Bits,
    Type,
}

impl Key {
    /// The key `rest` starts with (after its opening quote), and its length with the
    /// closing quote. Matched on the raw bytes, so an escaped key is unknown here.
    fn at_start_of(rest: &[u8]) -> Option<(Self, usize)> {
        let known = |name: &[u8], key| {
            let whole = rest.starts_with(name) && rest.get(name.len()) == Some(&b'"');
            whole.then_some((key, name.len() + 1))
        };
        match rest.first()? {
            b'm' => {
                known(b"message_id", Key::MessageId).or_else(|| known(b"message", Key::Message))
            }
            b'c' => known(b"channel", Key::Channel),
            b'u' => known(b"username", Key::Username),
            b't' => known(b"timestamp", Key::Timestamp).or_else(|| known(b"type", Key::Type)),
            b'e' => known(b"emotes", Key::Emotes),
            b'b' => known(b"badges", Key::Badges).or_else(|| known(b"bits", Key::Bits)),
            b's' => known(b"sentiment_hint", Key::SentimentHint),
            // Unknown keys are ignored by serde, but skipping an arbitrary value is
            // serde's job.
            _ => None,
        }
    }
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    /// A message exactly as Telemetra's serializer writes one: `ChatMessage`'s fields
    /// in their declared order, absent ones left out, no whitespace, and `type` first
    /// in event files. Each key is then a literal at a known place, so none is looked
    /// up or can repeat, where [`Self::chat`] dispatches on every key and tracks
    /// which it has seen. Any other message, valid or not, is left to `chat`.
    fn in_serializer_order(mut self) -> Option<ChatView<'a>> {
        let type_field = if self.literal(br#"{"type":"chat","message_id":""#) {
            TypeField::Chat
        } else {
            self.literal(br#"{"message_id":""#).then_some(())?;
            TypeField::Absent
        };
        let message_id = self.text_body()?;
        self.literal(br#","channel":""#).then_some(())?;
        let channel = self.string_body()?;
        ChannelId::check(channel).ok()?;
        self.literal(br#","username":""#).then_some(())?;
        let username = self.text_body()?;
        self.literal(br#","message":""#).then_some(())?;
        let message = self.text_body()?;
        self.literal(br#","timestamp":""#).then_some(())?;
        let timestamp = Timestamp::parse(self.string_body()?).ok()?;
        let mut emotes = None;
        if self.literal(br#","emotes":"#) {
            emotes = self.or_null(Self::emotes)?;
        }
        if self.literal(br#","badges":"#) {
            self.or_null(|s| s.list(|_| {}))?;
        }
        if self.literal(br#","sentiment_hint":"#) {
            self.or_null(Self::text)?;
        }
        let mut bits = None;
        if self.literal(br#","bits":"#) {
            bits = self.or_null(Self::unsigned)?;
        }
        self.literal(b"}").then_some(())?;
        self.skip_whitespace();
        (self.at == self.text.len()).then_some(ChatView {
            message_id,
            channel: Text(Cow::Borrowed(channel)),
            username,
            message,
            timestamp,
            emotes,
            _badges: (),
            _sentiment_hint: (),
            bits,
            type_field,
        })
    }

    /// Consumes `bytes` if the text goes on with exactly them. Of a known length, so
    /// that the comparison is a few word loads rather than a `memcmp` call.
    fn literal<const N: usize>(&mut self, bytes: &[u8; N]) -> bool {
        let next: Option<&[u8; N]> = self
            .text
            .as_bytes()
            .get(self.at..self.at + N)
            .and_then(|next| next.try_into().ok());
        let found = next == Some(bytes);
        if found {
            self.at += N;
        }
        found
    }

    fn chat(mut self) -> Option<ChatView<'a>> {
        let empty = Text(Cow::Borrowed(""));
        let mut view = ChatView {
            message_id: empty.clone(),
            channel: empty.clone(),
            username: empty.clone(),
            message: empty,
            timestamp: Timestamp(0),
            emotes: None,
            _badges: (),
            _sentiment_hint: (),
            bits: None,
            type_field: TypeField::Absent,
        };
        let mut seen = Seen::default();
        self.expect(b'{')?;
        loop {
            let key = self.key()?;
            if !seen.first(key) {
                return None;
            }
            self.expect(b':')?;
            match key {
                Key::MessageId => view.message_id = self.text()?,
                Key::Channel => {
                    let channel = self.string()?;
                    ChannelId::check(channel).ok()?;
                    view.channel = Text(Cow::Borrowed(channel));
                }
                Key::Username => view.username = self.text()?,
                Key::Message => view.message = self.text()?,
                Key::Timestamp => view.timestamp = Timestamp::parse(self.string()?).ok()?,
                Key::Emotes => view.emotes = self.or_null(Self::emotes)?,
                // Checked, not kept: no list is built.
                Key::Badges => _ = self.or_null(|s| s.list(|_| {}))?,
                Key::SentimentHint => _ = self.or_null(Self::text)?,
                Key::Bits => view.bits = self.or_null(Self::unsigned)?,
                // `chat` or nothing: any other value is for serde and the owned path.
                Key::Type => {
                    (self.string()? == "chat").then_some(())?;
                    view.type_field = TypeField::Chat;
                }
            }
            match self.next_token()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
        // Nothing but whitespace may follow the object.
        self.skip_whitespace();
        (self.at == self.text.len() && seen.has_required()).then_some(view)
    }

    fn skip_whitespace(&mut self) {
        let bytes = self.text.as_bytes();
        // Serializers write no whitespace between tokens, and every token's first
        // byte is above the space: one comparison decides the common case.
        while let Some(&b) = bytes.get(self.at) {
            if b > b' ' || !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return;
            }
            self.at += 1;
        }
    }

    /// The next byte that is not whitespace, consumed.
    fn next_token(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        let mut b = *bytes.get(self.at)?;
        // The common case (no whitespace) read with one load and one comparison: this
        // runs before every token, about thirty times a message.
        if b <= b' ' {
            self.skip_whitespace();
            b = *bytes.get(self.at)?;
        }
        self.at += 1;
        Some(b)
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.next_token()? == b).then_some(())
    }

    /// Whether a `null` comes next, consumed if so.
    fn take_null(&mut self) -> bool {
        self.skip_whitespace();
        let null = self.text.as_bytes()[self.at..].starts_with(b"null");
        if null {
            self.at += 4;
        }
        null
    }

    /// `null` as `None`, or what `read` reads.
    fn or_null<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.take_null() {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    /// A string without escapes or control characters, borrowed. Either of those is
    /// left to serde, which unescapes the one and rejects the other.
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        self.string_body()
    }

    /// [`Self::string`] after its opening quote.
    fn string_body(&mut self) -> Option<&'a str> {
        let start = self.at;
        let len = plain_string_len(&self.text.as_bytes()[start..])?;
        self.at = start + len + 1;
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        self.text.get(start..start + len)
    }

    /// An object key this reader knows, with its quotes.
    fn key(&mut self) -> Option<Key> {
        self.expect(b'"')?;
        let (key, len) = Key::at_start_of(&self.text.as_bytes()[self.at..])?;
        self.at += len;
        Some(key)
    }

    fn text(&mut self) -> Option<Text<'a>> {
        self.expect(b'"')?;
        self.text_body()
    }

    /// [`Self::text`] after its opening quote.
    fn text_body(&mut self) -> Option<Text<'a>> {
        self.string_body().map(|s| Text(Cow::Borrowed(s)))
    }

    /// A list of strings, each handed to `each`.
    fn list(&mut self, mut each: impl FnMut(Text<'a>)) -> Option<()> {
        self.expect(b'[')?;
        self.skip_whitespace();
        if self.text.as_bytes().get(self.at) == Some(&b']') {
            self.at += 1;
            return Some(());
        }
        loop {
            each(self.text()?);
            match self.next_token()? {
                b',' => continue,
                b']' => return Some(()),
                _ => return None,
            }
        }
    }

    /// The emote list, kept.
    fn emotes(&mut self) -> Option<Emotes<'a>> {
        let mut emotes = Emotes::new();
        self.list(|e| emotes.push(e))?;
        Some(emotes)
    }

    /// A `u64` as JSON writes one: digits, no leading zero, no sign, fraction or
    /// exponent (serde takes those as another type, or as malformed).
    fn unsigned(&mut self) -> Option<u64> {
        self.skip_whitespace();
        let bytes = &self.text.as_bytes()[self.at..];
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || (digits > 1 && bytes[0] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = bytes.get(digits) {
            return None;
        }
        let value = bytes[..digits].iter().try_fold(0u64, |n, &d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })?;
        self.at += digits;
        Some(value)
    }
}

/// The length of the string that starts `bytes` (after its opening quote), if it
/// ends in a quote with no escape or control character before it. Eight bytes at a
/// time: message texts are most of an event's bytes.
fn plain_string_len(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `x` below `n` (n <= 0x80). A borrow can also mark
    // a byte above a marked one, never below it, so the lowest mark is exact.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        // Little-endian, so that the lowest mark is the first byte.
        let x = u64::from_le_bytes(chunk.try_into().ok()?);
        let quote = below(x ^ (ONES * u64::from(b'"')), 1);
        let stop = below(x ^ (ONES * u64::from(b'\\')), 1) | below(x, 0x20);
        if quote | stop != 0 {
            // Whichever comes first decides; a byte cannot be both.
            let (quote, stop) = (quote.trailing_zeros(), stop.trailing_zeros());
            return (quote < stop).then_some(at + quote as usize / 8);
        }
        at += 8;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        match b {
            b'"' => return Some(at + i),
            b'\\' | 0..=0x1f => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde's reading of `text`, as the view decoders take it.
    fn serde_view(text: &str) -> Option<ChatView<'_>> {
        serde_json::from_str::<ChatView>(text)
            .ok()
            .filter(ChatView::is_valid)
    }

    fn in_order(text: &str) -> Option<ChatView<'_>> {
        Scanner { text, at: 0 }.in_serializer_order()
    }

    fn general(text: &str) -> Option<ChatView<'_>> {
        Scanner { text, at: 0 }.chat()
    }

    /// Whatever the scanner accepts, serde accepts as the same view; and whatever the
    /// in-order reader accepts, the general one reads the same.
    fn check(text: &str) -> bool {
        if let Some(view) = in_order(text) {
            assert_eq!(Some(view), general(text), "{text}");
        }
        let scanned = scan(text).filter(ChatView::is_valid);
        if let Some(view) = &scanned {
            assert_eq!(Some(view), serde_view(text).as_ref(), "{text}");
        }
        scanned.is_some()
    }

    fn chat(extra: &str) -> String {
        format!(
            r#"{{"message_id":"m1","channel":"pixelqueen","username":"ann","message":"hi Kappa, a longer text to cross a few words","timestamp":"2025-10-16T10:30:00.120Z"{extra}}}"#
        )
    }

    #[test]
    fn reads_what_serializers_write() {
        for text in [
            chat(""),
            chat(r#","emotes":["Kappa","Kappa"],"badges":["vip","sub"],"bits":5"#),
            chat(r#","emotes":[],"badges":[],"sentiment_hint":"positive","bits":0"#),
            chat(r#","emotes":null,"badges":null,"sentiment_hint":null,"bits":null"#),
            chat(r#","type":"chat""#),
            chat(r#","bits":18446744073709551615"#),
            // Whitespace anywhere JSON allows it.
            " {\n\t\"message_id\" : \"m\" , \"channel\":\"c\",\"username\":\"u\",\r\n\"message\":\"\",\"timestamp\":\"2025-10-16T10:30:00Z\", \"emotes\" : [ \"a\" , \"b\" ] } \n".to_owned(),
            // Unicode text, and a timestamp with an offset.
            r#"{"message_id":"m","channel":"c","username":"ü","message":"héllo 🔥 wörld","timestamp":"2025-10-16T12:30:00+02:00"}"#.to_owned(),
        ] {
            assert!(check(&text), "not read: {text}");
        }
    }

    #[test]
    fn what_telemetra_writes_is_read_in_order() {
        let bare = crate::ChatMessage {
            message_id: "m1".into(),
            channel: crate::ChannelId::parse("pixelqueen").unwrap(),
            username: "ann".into(),
            message: "hi Kappa".into(),
            timestamp: Timestamp(1_760_610_600_120),
            emotes: None,
            badges: None,
            sentiment_hint: None,
            bits: None,
        };
        let full = crate::ChatMessage {
            emotes: Some(vec!["Kappa".into()]),
            badges: Some(vec!["vip".into()]),
            sentiment_hint: Some("positive".into()),
            bits: Some(100),
            ..bare.clone()
        };
        let partial = crate::ChatMessage {
            emotes: Some(vec![]),
            bits: Some(0),
            ..bare.clone()
        };
        for message in [bare, full, partial] {
            let event = crate::Event::Chat(message);
            let topic_message = String::from_utf8(event.to_json()).unwrap();
            for text in [topic_message, event.to_json_line()] {
                assert!(in_order(&text).is_some(), "not read in order: {text}");
                assert!(check(&text), "not read: {text}");
            }
        }
        // Another order is valid JSON for the general reader only.
        let reordered = r#"{"channel":"c","message_id":"m","username":"u","message":"hi","timestamp":"2025-10-16T10:30:00Z"}"#;
        assert!(in_order(reordered).is_none());
        assert!(check(reordered));
    }

    #[test]
    fn leaves_everything_else_to_serde() {
        for text in [
            // Escapes: serde copies them.
            chat(r#","sentiment_hint":"a\"b""#),
            r#"{"message_id":"m\u0031","channel":"c","username":"u","message":"hi","timestamp":"2025-10-16T10:30:00Z"}"#.to_owned(),
            r#"{"message\u005fid":"m","channel":"c","username":"u","message":"hi","timestamp":"2025-10-16T10:30:00Z"}"#.to_owned(),
            // Unknown keys, repeated keys, other types and values.
            chat(r#","extra":1"#),
            chat(r#","bits":1,"bits":1"#),
            chat(r#","type":"viewer""#),
            chat(r#","type":null"#),
            chat(r#","bits":-1"#),
            chat(r#","bits":1.0"#),
            chat(r#","bits":1e3"#),
            chat(r#","bits":01"#),
            chat(r#","bits":18446744073709551616"#),
            chat(r#","emotes":["a",]"#),
            chat(r#","emotes":["a" "b"]"#),
            chat(r#","badges":"vip""#),
            chat(r#","bits":nul"#),
            chat(","),
            chat("}"),
            chat(" x"),
            // Control characters, a bad channel or time, missing fields, not an object.
            "{\"message_id\":\"m\",\"channel\":\"c\",\"username\":\"u\",\"message\":\"tab\there\",\"timestamp\":\"2025-10-16T10:30:00Z\"}".to_owned(),
            r#"{"message_id":"m","channel":"Bad","username":"u","message":"hi","timestamp":"2025-10-16T10:30:00Z"}"#.to_owned(),
            r#"{"message_id":"m","channel":"c","username":"u","message":"hi","timestamp":"yesterday"}"#.to_owned(),
            r#"{"message_id":"m","channel":"c","username":"u","message":"hi"}"#.to_owned(),
            r#"["m","c","u","hi","2025-10-16T10:30:00Z"]"#.to_owned(),
            String::new(),
            "{".to_owned(),
            r#"{"message_id":"m","channel":"c","username":"u","message":"unterminated"#.to_owned(),
        ] {
            assert!(!check(&text), "read, but serde has the last word: {text}");
        }
    }

    #[test]
    fn empty_ids_are_read_and_judged_by_the_caller() {
        // The scanner reads them; `ChatView::is_valid` turns them away, as for serde.
        let text = r#"{"message_id":"","channel":"c","username":"u","message":"hi","timestamp":"2025-10-16T10:30:00Z"}"#;
        assert!(scan(text).is_some_and(|v| !v.is_valid()));
        assert!(serde_view(text).is_none());
    }

    #[test]
    fn string_ends_are_found_at_every_offset() {
        // The word-at-a-time loop and the byte loop must agree wherever the quote,
        // escape or control character falls, including in the last partial word.
        for len in 0..40 {
            let plain = "x".repeat(len);
            assert_eq!(
                plain_string_len(format!("{plain}\"rest").as_bytes()),
                Some(len)
            );
            assert_eq!(
                plain_string_len(format!("{plain}é\"").as_bytes()),
                Some(len + 2)
            );
            // What follows the quote does not matter, and bytes one off a quote or
            // a control character ('#', '!', ' ') are plain.
            for after in ["\\", "\n", "\"", "#"] {
                let text = format!("{plain}#! \"{after}");
                assert_eq!(plain_string_len(text.as_bytes()), Some(len + 3), "{text:?}");
            }
            for stop in ["\\\"", "\u{1f}\"", "\n\""] {
                assert_eq!(plain_string_len(format!("{plain}{stop}").as_bytes()), None);
            }
            assert_eq!(plain_string_len(plain.as_bytes()), None);
        }
    }
}
