//! Twitch as an event source: live chat over IRC and, optionally, viewer counts from
//! the Helix API, turned into Telemetra [`Event`](telemetra_types::Event)s.
//!
//! * [`irc`] parses one IRC line (IRCv3 tags, prefix, command, parameters), rejecting
//!   malformed lines with a reason; [`tags`] unescapes tag values.
//! * [`events`] maps parsed messages (PRIVMSG, USERNOTICE, CLEARCHAT, CLEARMSG,
//!   ROOMSTATE) to chat, transaction and stream_meta events, with ids taken from the
//!   messages so a replayed session gives identical events; [`emotes`] finds emotes.
//! * [`client`] keeps an anonymous, read-only connection: login, rate-limited joins,
//!   PING/PONG, RECONNECT, backoff. [`helix`] polls viewer counts.
//!
//! The networking is the default `net` feature; without it the crate is the parser
//! and the mapping alone (the fuzz target builds it that way).
//!
//! Events leave through a `tokio::sync::mpsc` channel; the caller puts them on the
//! in-process bus (`telemetra run --source twitch`) or on Kafka (`telemetra ingest
//! twitch`).
//!
//! # Why not the `twitch-irc` crate
//!
//! `twitch-irc` (6.x, maintained) was evaluated first. Its networking cannot be used:
//! its transports dial Twitch's host name constants, so a test cannot point it at a
//! local fake server. Its parsing alone was the candidate, and it was not taken:
//! its typed layer computes emote ranges as `end - start` on `usize`, which panics
//! (debug builds) on a range such as `25:5-2` from the network; it turns a whole
//! message into an error when any tag it types is missing, even one we do not use
//! (`color`, `user-id`), which would silently lose chat; and its generic line parser is
//! about a hundred lines that would bring the crate's client, `enum_dispatch`,
//! `either` and `smallvec` along. A small parser with our own rejection reasons, and a
//! mapping that reads only the tags each event needs, is less code to trust.

#[cfg(feature = "net")]
pub mod client;
pub mod emotes;
pub mod events;
#[cfg(feature = "net")]
pub mod helix;
pub mod irc;
pub mod tags;

#[cfg(feature = "net")]
pub use client::{ClientConfig, IrcUrl, Stats};
pub use emotes::EmoteList;
pub use events::{map_message, MapError, Mapped};
#[cfg(feature = "net")]
pub use helix::HelixConfig;
pub use irc::{parse, parse_bytes, Message, ParseError};

/// Parses and maps one raw line, as the client does (the fuzz target's entry point):
/// the events it yields, or why it yields none.
pub fn map_line(line: &[u8], received_ms: i64, emotes: &EmoteList) -> Result<Mapped, LineError> {
    let msg = irc::parse_bytes(line).map_err(LineError::Parse)?;
    events::map_message(&msg, received_ms, emotes).map_err(LineError::Map)
}

/// Why a line gave no event.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Not a valid IRC line.
    #[error("malformed IRC line: {0}")]
    Parse(ParseError),
    /// A valid line whose content cannot become its event.
    #[error("unusable {0}")]
    Map(MapError),
}
