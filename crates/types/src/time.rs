//! Event time: RFC 3339 on the wire, UTC milliseconds since the Unix epoch inside.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time with millisecond precision, UTC.
///
/// Parsing accepts any RFC 3339 offset and truncates to the millisecond (SPEC §1);
/// formatting always writes UTC with three fractional digits, so stored strings sort
/// chronologically as text (which the SQLite store relies on).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parses an RFC 3339 timestamp with any offset.
    pub fn parse(s: &str) -> Result<Self, chrono::ParseError> {
        Ok(Self(DateTime::parse_from_rfc3339(s)?.timestamp_millis()))
    }

    /// Formats as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub fn to_rfc3339(self) -> String {
        match DateTime::<Utc>::from_timestamp_millis(self.0) {
            Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
            // Out of chrono's range (±262 000 years): cannot come from parsing, so only
            // arithmetic on extreme values lands here; say so rather than panic.
            None => format!("out-of-range({})", self.0),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&s)
            .map_err(|e| serde::de::Error::custom(format!("invalid RFC 3339 timestamp {s:?}: {e}")))
    }
}

/// The wall clock in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_offset_is_stored_as_utc_millis() {
        let a = Timestamp::parse("2025-10-16T12:30:00.1234+02:00").unwrap();
        let b = Timestamp::parse("2025-10-16T10:30:00.123Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_rfc3339(), "2025-10-16T10:30:00.123Z");
    }

    #[test]
    fn rejects_non_rfc3339() {
        for bad in [
            "2025-10-16",
            "yesterday",
            "2025-10-16 10:30:00",
            "1697452200",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }
}
