//! Event time: RFC 3339 on the wire, UTC milliseconds since the Unix epoch inside.

use std::cell::Cell;
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

    /// Earliest instant RFC 3339 can write in UTC: `0000-01-01T00:00:00.000Z`.
    pub const MIN: Timestamp = Timestamp(-62_167_219_200_000);
    /// Latest instant RFC 3339 can write in UTC: `9999-12-31T23:59:59.999Z`.
    pub const MAX: Timestamp = Timestamp(253_402_300_799_999);

    /// Parses an RFC 3339 timestamp with any offset.
    ///
    /// Instants outside [`Timestamp::MIN`]..=[`Timestamp::MAX`] (reachable with an
    /// offset, e.g. `0000-01-01T00:00:00+01:00`) are rejected as out of range: their
    /// UTC year has no four-digit form, so [`Timestamp::to_rfc3339`] could not write
    /// them back as something this function accepts.
    pub fn parse(s: &str) -> Result<Self, chrono::ParseError> {
        if let Some(t) = parse_utc_millis(s.as_bytes()) {
            return Ok(Self(t));
        }
        let t = Self(DateTime::parse_from_rfc3339(s)?.timestamp_millis());
        if !(Self::MIN..=Self::MAX).contains(&t) {
            return Err(out_of_range());
        }
        Ok(t)
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

impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::DateTime,
            )))
            .description(Some("RFC 3339, UTC, millisecond precision."))
            .examples(["2025-10-16T10:30:00.000Z"])
            .into()
    }
}

impl utoipa::ToSchema for Timestamp {}

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
        // A visitor rather than a `Cow<str>`, which serde always copies: every event
        // has a timestamp, and this parses it straight from the input.
        struct TimestampVisitor;
        impl serde::de::Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse(s)
                    .map_err(|e| E::custom(format!("invalid RFC 3339 timestamp {s:?}: {e}")))
            }
        }
        d.deserialize_str(TimestampVisitor)
    }
}

/// The shape nearly every producer sends, `YYYY-MM-DDTHH:MM:SS[.fff]Z`, parsed
/// without the general parser: it is on the hot path of every event. Anything else
/// (offsets, other precisions, odd values) returns `None` and goes to chrono.
fn parse_utc_millis(b: &[u8]) -> Option<i64> {
    let ms = match b.len() {
        20 if b[19] == b'Z' => 0,
        24 if b[19] == b'.' && b[23] == b'Z' => digits(&b[20..23])?,
        _ => return None,
    };
    if b[16] != b':' {
        return None;
    }
    let s = digits(&b[17..19])?;
    if s > 59 {
        return None;
    }
    let minute = minute_start(b[..16].try_into().ok()?)?;
    Some(minute + s * 1_000 + ms)
}

/// The milliseconds at the start of the minute `YYYY-MM-DDTHH:MM`, or `None` when it
/// is not one. Consecutive events nearly always fall in the same minute, so each
/// thread remembers the last one: the date's checks and arithmetic then cost one
/// comparison.
fn minute_start(prefix: &[u8; 16]) -> Option<i64> {
    thread_local! {
        static LAST: Cell<Option<(u128, i64)>> = const { Cell::new(None) };
    }
    let key = u128::from_le_bytes(*prefix);
    if let Some((last, start)) = LAST.get() {
        if last == key {
            return Some(start);
        }
    }
    let start = civil_minute(prefix)?;
    LAST.set(Some((key, start)));
    Some(start)
}

/// [`minute_start`] computed.
fn civil_minute(b: &[u8; 16]) -> Option<i64> {
    if (b[4], b[7], b[10], b[13]) != (b'-', b'-', b'T', b':') {
        return None;
    }
    let (y, mo, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (h, mi) = (digits(&b[11..13])?, digits(&b[14..16])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month[(mo - 1) as usize] || h > 23 || mi > 59
    {
        return None;
    }
    // Days since the epoch of a civil date (H. Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000)
}

/// ASCII digits as a number, or `None` if any byte is not a digit.
fn digits(b: &[u8]) -> Option<i64> {
    b.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

/// chrono's "input is out of range" error. chrono has no public constructor for its
/// errors, so take the one it returns for an impossible date.
fn out_of_range() -> chrono::ParseError {
    match DateTime::parse_from_rfc3339("2001-02-29T00:00:00Z") {
        Err(e) => e,
        Ok(_) => unreachable!("2001 is not a leap year"),
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
    fn fast_path_agrees_with_chrono() {
        for s in [
            "2025-10-16T10:30:00Z",
            "2025-10-16T10:30:00.123Z",
            "1970-01-01T00:00:00.000Z",
            "1969-12-31T23:59:59.999Z",
            "2024-02-29T23:59:59.001Z",
            "2100-03-01T00:00:00Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis();
            assert_eq!(parse_utc_millis(s.as_bytes()), Some(chrono), "{s}");
        }
        for odd in [
            "2025-02-29T10:30:00Z",
            "2025-10-16T24:00:00Z",
            "2025-10-16T10:30:00.5Z",
            "2025-10-16T10:30:60Z",
        ] {
            assert_eq!(parse_utc_millis(odd.as_bytes()), None, "{odd}");
        }
    }

    #[test]
    fn fast_path_checks_every_byte() {
        // Every byte of both shapes set to every value: whatever the fast path reads
        // is what chrono reads, and it reads every string of its shape that chrono
        // does (a digit for a digit can make an impossible date, which both refuse).
        for base in ["2024-02-28T19:59:58.999Z", "2024-02-28T19:59:58Z"] {
            let digit_at = |i: usize| base.as_bytes()[i].is_ascii_digit();
            for i in 0..base.len() {
                for v in 0..=255u8 {
                    let mut bytes = base.as_bytes().to_vec();
                    bytes[i] = v;
                    let fast = parse_utc_millis(&bytes);
                    let chrono = std::str::from_utf8(&bytes)
                        .ok()
                        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                        .map(|t| t.timestamp_millis());
                    let text = String::from_utf8_lossy(&bytes);
                    if fast.is_some() || (digit_at(i) && v.is_ascii_digit()) {
                        assert_eq!(fast, chrono, "{text}");
                    } else {
                        assert_eq!(fast, None, "{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_remembered_minute_changes_no_answer() {
        let chrono = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.timestamp_millis())
        };
        let valid = [
            "2025-10-16T10:30:00Z",
            "2025-10-16T10:30:59.999Z",
            "2025-10-16T10:31:00.001Z",
            "2024-02-29T23:59:00Z",
        ];
        // The same minute with a bad rest, and a bad minute after a good one.
        let refused = [
            "2025-10-16T10:30:5xZ",
            "2025-10-16T10:30:61Z",
            "2025-10-16T10:30:00.1Z",
            "2025-02-29T23:59:00Z",
            "2025-10-16T10:60:00Z",
        ];
        for _ in 0..2 {
            for s in valid.iter().chain(&refused).chain(&valid) {
                let fast = parse_utc_millis(s.as_bytes());
                assert_eq!(fast.is_some(), valid.contains(s), "{s}");
                assert!(fast.is_none() || fast == chrono(s), "{s}");
            }
        }
        // Each thread remembers its own minute.
        let other = std::thread::spawn(|| parse_utc_millis(b"2030-01-01T00:00:00Z"));
        assert_eq!(other.join().unwrap(), chrono("2030-01-01T00:00:00Z"));
        assert_eq!(
            parse_utc_millis(b"2025-10-16T10:30:00Z"),
            chrono("2025-10-16T10:30:00Z")
        );
    }

    #[test]
    fn bounds_are_the_four_digit_years() {
        let min = Timestamp::parse("0000-01-01T00:00:00.000Z").unwrap();
        let max = Timestamp::parse("9999-12-31T23:59:59.999Z").unwrap();
        assert_eq!((min, max), (Timestamp::MIN, Timestamp::MAX));
        assert_eq!(min.to_rfc3339(), "0000-01-01T00:00:00.000Z");
        assert_eq!(max.to_rfc3339(), "9999-12-31T23:59:59.999Z");
        assert_eq!(
            out_of_range().kind(),
            chrono::format::ParseErrorKind::OutOfRange
        );
    }

    /// Found by the `timestamp` fuzz target: an offset moved the instant into year -1,
    /// which formatted as `-0001-12-31T00:01:00.000Z` and did not parse back.
    #[test]
    fn offsets_cannot_leave_the_four_digit_years() {
        for s in [
            "0000-01-01T00:00:00+23:59",
            "0000-01-01T00:00:00.000+00:01",
            "9999-12-31T23:59:59-00:01",
            "9999-12-31T23:59:60.999Z",
        ] {
            let e = Timestamp::parse(s).unwrap_err();
            assert_eq!(e.kind(), chrono::format::ParseErrorKind::OutOfRange, "{s}");
        }
        let t = Timestamp::parse("0000-01-01T00:00:00-23:59").unwrap();
        assert_eq!(Timestamp::parse(&t.to_rfc3339()), Ok(t));
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
