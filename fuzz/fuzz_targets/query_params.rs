//! The API's parameter parsing (`telemetra_api::query`) on arbitrary query strings.
//!
//! The input is read as a decoded query string, `k=v&k=v...`: `from` and `to` go to
//! `range`, `limit`, `page` and `page_size` to `bounded`, anything else (and the whole
//! input) to `channel`. Properties: nothing panics, errors are 400s with a message,
//! and every accepted value keeps its documented invariant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetra_api::query::{self, DEFAULT_RANGE_MS, MAX_RANGE_MS};
use telemetra_api::ApiError;
use telemetra_types::Timestamp;

fn bad_request<T: std::fmt::Debug>(r: Result<T, ApiError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(ApiError::BadRequest(m)) => {
            assert!(!m.is_empty(), "a 400 must say what is wrong");
            None
        }
        Err(other) => panic!("parameter parsing must fail with 400, got {other:?}"),
    }
}

fn check_channel(s: &str) {
    if let Some(c) = bad_request(query::channel(s)) {
        assert_eq!(c.as_str(), s);
    }
}

fn check_range(from: Option<&str>, to: Option<&str>) {
    let Some((f, t)) = bad_request(query::range(from, to)) else {
        return;
    };
    assert!(f < t, "empty range {f:?}..{t:?} from {from:?}, {to:?}");
    assert!(t.0 - f.0 <= MAX_RANGE_MS, "range over the limit");
    let given = |v: Option<&str>| v.map(|v| Timestamp::parse(v).expect("accepted"));
    if let Some(g) = given(from) {
        assert_eq!(f, g);
    }
    if let Some(g) = given(to) {
        assert_eq!(t, g);
    }
    if from.is_none() && to.is_some() {
        assert_eq!(t.0 - f.0, DEFAULT_RANGE_MS);
    }
}

fn check_bounded(v: Option<&str>, default: u32, max: u32) {
    if let Some(n) = bad_request(query::bounded("limit", v, default, max)) {
        match v {
            None => assert_eq!(n, default),
            Some(v) => {
                assert!((1..=max).contains(&n), "{n} out of 1..={max}");
                assert_eq!(v.parse::<u32>().ok(), Some(n));
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    check_channel(input);
    let (mut from, mut to) = (None, None);
    for pair in input.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "from" => from = Some(value),
            "to" => to = Some(value),
            "limit" => check_bounded(Some(value), 50, 500),
            "page" => check_bounded(Some(value), 1, 1_000_000),
            "page_size" => check_bounded(Some(value), 50, 200),
            _ => check_channel(value),
        }
    }
    check_bounded(None, 50, 500);
    check_range(from, to);
    check_range(from, None);
    check_range(None, to);
});
