//! Channel ids: Twitch-style logins, the partition key of every event.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A validated channel login: lowercase `[a-z0-9_]{1,25}` (SPEC §1).
///
/// Validation happens once, at decoding, so every later stage (partitioning, SQL
/// parameters, Redis keys, URLs) can rely on the id being short and plain ASCII.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChannelId(String);

/// Why a string is not a channel id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid channel {0:?}: expected 1 to 25 characters of lowercase a-z, 0-9 or _")]
pub struct InvalidChannel(pub String);

/// The bytes a login may hold (`a`–`z`, `0`–`9`, `_`), as a table: every event's
/// channel is checked, and one load a byte costs less than three range tests.
const LOGIN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'a'..=b'z' | b'0'..=b'9' | b'_');
        b += 1;
    }
    table
};

impl ChannelId {
    /// Validates `s` as a channel login.
    pub fn parse(s: &str) -> Result<Self, InvalidChannel> {
        Self::check(s)?;
        Ok(Self(s.to_owned()))
    }

    /// An id from a string already checked by [`ChannelId::check`].
    pub(crate) fn checked(s: &str) -> Self {
        debug_assert!(Self::check(s).is_ok(), "{s:?} was not checked");
        Self(s.to_owned())
    }

    pub(crate) fn check(s: &str) -> Result<(), InvalidChannel> {
        let ok = (1..=25).contains(&s.len()) && s.bytes().all(|b| LOGIN_BYTES[usize::from(b)]);
        if ok {
            Ok(())
        } else {
            // Keep the error message bounded even for a megabyte-long "channel".
            Err(InvalidChannel(s.chars().take(40).collect()))
        }
    }

    /// The login as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ChannelId {
    type Error = InvalidChannel;
    /// Keeps the decoded string: no copy on the hot path.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::check(&s)?;
        Ok(Self(s))
    }
}

/// Lets maps keyed by channel be searched with a borrowed `&str`; the derived
/// `Eq`, `Ord` and `Hash` are the inner string's, as `Borrow` requires.
impl std::borrow::Borrow<str> for ChannelId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<ChannelId> for String {
    fn from(c: ChannelId) -> Self {
        c.0
    }
}

impl utoipa::PartialSchema for ChannelId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[a-z0-9_]{1,25}$"))
            .description(Some("Twitch-style channel login."))
            .examples(["pixelqueen"])
            .into()
    }
}

impl utoipa::ToSchema for ChannelId {}

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ChannelId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_twitch_logins() {
        for ok in [
            "demo_stream",
            "a",
            "xqc",
            "user_123",
            "abcdefghijklmnopqrstuvwxy",
        ] {
            assert!(ChannelId::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn the_login_bytes_are_lowercase_letters_digits_and_underscore() {
        for b in 0..=0x7f_u8 {
            let login = format!("ab{}", char::from(b));
            let expected = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_';
            assert_eq!(ChannelId::parse(&login).is_ok(), expected, "{login:?}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "Demo",
            "has space",
            "dash-ed",
            "abcdefghijklmnopqrstuvwxyz",
            "é",
            "a/b",
        ] {
            assert!(ChannelId::parse(bad).is_err(), "{bad}");
        }
    }
}
