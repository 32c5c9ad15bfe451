//! One IRC line → [`Message`]: `[@tags] [:prefix] COMMAND [params…] [:trailing]`.
//!
//! The grammar is the modern one (<https://modern.ircdocs.horse/#messages>, IRCv3
//! message tags). Every malformed line becomes a [`ParseError`] saying why; nothing
//! here can panic on input (the fuzz target `irc_line` checks that).

use std::fmt;

use crate::tags::{unescape, valid_key, Tags};

/// Longest line accepted, in bytes. IRCv3 allows 8191 bytes of tags plus 512 for the
/// rest; Twitch's tags stay well under that, so anything longer is not Twitch.
pub const MAX_LINE_BYTES: usize = 8191 + 512;

/// Most parameters a message may have (RFC 1459: 15).
pub const MAX_PARAMS: usize = 15;

/// A parsed IRC message, tags unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// IRCv3 tags (empty without `@…`).
    pub tags: Tags,
    /// The source, without the leading `:` (`nick!user@host` or a server name).
    pub prefix: Option<String>,
    /// The command, upper-cased (`PRIVMSG`, `001`, …).
    pub command: String,
    /// Middle parameters, then the trailing one (without its `:`) if present.
    pub params: Vec<String>,
}

impl Message {
    /// The nick of the prefix (`nick` of `nick!user@host`), if there is a prefix.
    pub fn nick(&self) -> Option<&str> {
        let p = self.prefix.as_deref()?;
        let end = p.find(['!', '@']).unwrap_or(p.len());
        Some(&p[..end])
    }

    /// Parameter `i`, if present.
    pub fn param(&self, i: usize) -> Option<&str> {
        self.params.get(i).map(String::as_str)
    }
}

/// Why a line is not a valid IRC message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but the line ending (or spaces).
    Empty,
    /// Longer than [`MAX_LINE_BYTES`].
    TooLong(usize),
    /// Not valid UTF-8.
    NotUtf8,
    /// A NUL, CR or LF inside the line.
    ControlChar,
    /// `@` with nothing after it.
    EmptyTags,
    /// An empty tag (`@a=1;;b=2`) or a tag with no key (`@=1`).
    EmptyTagKey,
    /// A tag key with characters a key cannot have.
    InvalidTagKey(String),
    /// Tags, then nothing.
    NothingAfterTags,
    /// `:` with nothing after it.
    EmptyPrefix,
    /// A prefix, then nothing.
    NothingAfterPrefix,
    /// No command where one must be.
    MissingCommand,
    /// A command that is neither letters nor three digits.
    InvalidCommand(String),
    /// More than [`MAX_PARAMS`] parameters.
    TooManyParams,
}

impl ParseError {
    /// A short, stable name for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            ParseError::Empty => "empty",
            ParseError::TooLong(_) => "too_long",
            ParseError::NotUtf8 => "not_utf8",
            ParseError::ControlChar => "control_char",
            ParseError::EmptyTags => "empty_tags",
            ParseError::EmptyTagKey => "empty_tag_key",
            ParseError::InvalidTagKey(_) => "invalid_tag_key",
            ParseError::NothingAfterTags => "nothing_after_tags",
            ParseError::EmptyPrefix => "empty_prefix",
            ParseError::NothingAfterPrefix => "nothing_after_prefix",
            ParseError::MissingCommand => "missing_command",
            ParseError::InvalidCommand(_) => "invalid_command",
            ParseError::TooManyParams => "too_many_params",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Empty => write!(f, "empty line"),
            ParseError::TooLong(n) => {
                write!(
                    f,
                    "line of {n} bytes is over the {MAX_LINE_BYTES}-byte limit"
                )
            }
            ParseError::NotUtf8 => write!(f, "line is not valid UTF-8"),
            ParseError::ControlChar => write!(f, "NUL, CR or LF inside the line"),
            ParseError::EmptyTags => write!(f, "`@` without tags"),
            ParseError::EmptyTagKey => write!(f, "a tag without a key"),
            ParseError::InvalidTagKey(k) => write!(f, "invalid tag key {k:?}"),
            ParseError::NothingAfterTags => write!(f, "tags without a command"),
            ParseError::EmptyPrefix => write!(f, "`:` without a prefix"),
            ParseError::NothingAfterPrefix => write!(f, "prefix without a command"),
            ParseError::MissingCommand => write!(f, "no command"),
            ParseError::InvalidCommand(c) => {
                write!(f, "invalid command {c:?}: expected letters or three digits")
            }
            ParseError::TooManyParams => write!(f, "more than {MAX_PARAMS} parameters"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses one line given as bytes (a trailing CR LF or LF is allowed).
pub fn parse_bytes(line: &[u8]) -> Result<Message, ParseError> {
    if line.len() > MAX_LINE_BYTES + 2 {
        return Err(ParseError::TooLong(line.len()));
    }
    let text = std::str::from_utf8(line).map_err(|_| ParseError::NotUtf8)?;
    parse(text)
}

/// Parses one line (a trailing CR LF or LF is allowed).
pub fn parse(line: &str) -> Result<Message, ParseError> {
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line);
    if line.len() > MAX_LINE_BYTES {
        return Err(ParseError::TooLong(line.len()));
    }
    if line.contains(['\0', '\r', '\n']) {
        return Err(ParseError::ControlChar);
    }
    let mut rest = line.trim_start_matches(' ');
    if rest.is_empty() {
        return Err(ParseError::Empty);
    }

    let mut tags = Tags::default();
    if let Some(after) = rest.strip_prefix('@') {
        let (raw, remainder) = match after.split_once(' ') {
            Some(split) => split,
            None if after.is_empty() => return Err(ParseError::EmptyTags),
            None => return Err(ParseError::NothingAfterTags),
        };
        if raw.is_empty() {
            return Err(ParseError::EmptyTags);
        }
        tags = parse_tags(raw)?;
        rest = remainder.trim_start_matches(' ');
        if rest.is_empty() {
            return Err(ParseError::NothingAfterTags);
        }
    }

    let mut prefix = None;
    if let Some(after) = rest.strip_prefix(':') {
        let (raw, remainder) = match after.split_once(' ') {
            Some(split) => split,
            None if after.is_empty() => return Err(ParseError::EmptyPrefix),
            None => return Err(ParseError::NothingAfterPrefix),
        };
        if raw.is_empty() {
            return Err(ParseError::EmptyPrefix);
        }
        prefix = Some(raw.to_owned());
        rest = remainder.trim_start_matches(' ');
        if rest.is_empty() {
            return Err(ParseError::NothingAfterPrefix);
        }
    }

    let (command, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
    if command.is_empty() {
        return Err(ParseError::MissingCommand);
    }
    let is_word = command.bytes().all(|b| b.is_ascii_alphabetic());
    let is_numeric = command.len() == 3 && command.bytes().all(|b| b.is_ascii_digit());
    if !is_word && !is_numeric {
        return Err(ParseError::InvalidCommand(
            command.chars().take(40).collect(),
        ));
    }

    let mut params = Vec::new();
    loop {
        // Servers may separate parameters by more than one space; tolerate it.
        rest = rest.trim_start_matches(' ');
        if rest.is_empty() {
            break;
        }
        if params.len() == MAX_PARAMS {
            return Err(ParseError::TooManyParams);
        }
        if let Some(trailing) = rest.strip_prefix(':') {
            params.push(trailing.to_owned());
            break;
        }
        let (param, remainder) = rest.split_once(' ').unwrap_or((rest, ""));
        params.push(param.to_owned());
        rest = remainder;
    }

    Ok(Message {
        tags,
        prefix,
        command: command.to_ascii_uppercase(),
        params,
    })
}

fn parse_tags(raw: &str) -> Result<Tags, ParseError> {
    let mut pairs = Vec::new();
    // A trailing `;` is tolerated (some servers send one); an empty tag elsewhere is not.
    let raw = raw.strip_suffix(';').unwrap_or(raw);
    for tag in raw.split(';') {
        let (key, value) = tag.split_once('=').unwrap_or((tag, ""));
        if key.is_empty() {
            return Err(ParseError::EmptyTagKey);
        }
        if !valid_key(key) {
            return Err(ParseError::InvalidTagKey(key.chars().take(40).collect()));
        }
        pairs.push((key.to_owned(), unescape(value)));
    }
    Ok(Tags::from_pairs(pairs))
}
