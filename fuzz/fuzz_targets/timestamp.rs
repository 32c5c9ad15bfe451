//! `Timestamp::parse` on arbitrary text, and on `YYYY-MM-DDTHH:MM:SS[.mmm]Z` strings
//! built from the input (any two digits in every field, so impossible dates too) so
//! the hand-written fast path is exercised as much as chrono's parser.
//!
//! Properties: the result equals chrono's RFC 3339 parse (accepts exactly what chrono
//! accepts within `Timestamp::MIN..=MAX`, with the same milliseconds), and formatting a
//! parsed timestamp and parsing it again gives the same milliseconds.
#![no_main]

use chrono::DateTime;
use libfuzzer_sys::fuzz_target;
use telemetra_types::Timestamp;

fn check(s: &str) {
    let ours = Timestamp::parse(s).ok().map(Timestamp::millis);
    // Millisecond truncation of chrono's parse, within the four-digit UTC years: the
    // reference for both paths.
    let chrono = DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
        .filter(|ms| (Timestamp::MIN.0..=Timestamp::MAX.0).contains(ms));
    assert_eq!(ours, chrono, "disagrees with chrono on {s:?}");
    if let Some(ms) = ours {
        let text = Timestamp(ms).to_rfc3339();
        let again = Timestamp::parse(&text).map(Timestamp::millis);
        assert_eq!(
            again,
            Ok(ms),
            "{s:?} formats as {text:?}, which does not parse back"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        check(s);
    }
    if let [y0, y1, mo, d, h, mi, s, m0, m1, ..] = *data {
        let year = u16::from_le_bytes([y0, y1]) % 10_000;
        let ms = u16::from_le_bytes([m0, m1]) % 1_000;
        let (mo, d, h, mi, s) = (mo % 100, d % 100, h % 100, mi % 100, s % 100);
        let base = format!("{year:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        check(&format!("{base}Z"));
        check(&format!("{base}.{ms:03}Z"));
    }
});
