//! Validation of path and query parameters, with messages a user can act on.

use telemetra_types::{now_ms, ChannelId, Timestamp};

use crate::ApiError;

/// Default time range when none is given.
pub const DEFAULT_RANGE_MS: i64 = 15 * 60_000;
/// Longest range one request may ask for.
pub const MAX_RANGE_MS: i64 = 31 * 24 * 3_600_000;

/// A channel id from the path.
pub fn channel(id: &str) -> Result<ChannelId, ApiError> {
    ChannelId::parse(id).map_err(|e| ApiError::BadRequest(format!("invalid stream id: {e}")))
}

/// A `[from, to)` range; defaults to the last 15 minutes, or 15 minutes around the
/// one bound given.
pub fn range(from: Option<&str>, to: Option<&str>) -> Result<(Timestamp, Timestamp), ApiError> {
    let parse = |name: &str, v: &str| {
        Timestamp::parse(v).map_err(|e| {
            ApiError::BadRequest(format!(
                "invalid `{name}`: {e}; expected RFC 3339, e.g. 2025-10-16T10:30:00Z"
            ))
        })
    };
    let from = from.map(|v| parse("from", v)).transpose()?;
    let to = to.map(|v| parse("to", v)).transpose()?;
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (
            f,
            Timestamp(f.0.saturating_add(DEFAULT_RANGE_MS).max(now_ms())),
        ),
        (None, Some(t)) => (Timestamp(t.0.saturating_sub(DEFAULT_RANGE_MS)), t),
        (None, None) => {
            let now = now_ms();
            (Timestamp(now - DEFAULT_RANGE_MS), Timestamp(now + 1))
        }
    };
    if from >= to {
        return Err(ApiError::BadRequest(format!(
            "`from` ({from}) must be before `to` ({to})"
        )));
    }
    if to.0 - from.0 > MAX_RANGE_MS {
        return Err(ApiError::BadRequest(
            "the range may span at most 31 days".into(),
        ));
    }
    Ok((from, to))
}

/// A bounded positive integer parameter.
pub fn bounded(name: &str, v: Option<&str>, default: u32, max: u32) -> Result<u32, ApiError> {
    let Some(v) = v else { return Ok(default) };
    match v.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::BadRequest(format!(
            "`{name}` must be a whole number from 1 to {max}, got {v:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(range(Some("2025-10-16T10:00:00Z"), Some("2025-10-16T11:00:00Z")).is_ok());
        assert!(range(Some("2025-10-16T11:00:00Z"), Some("2025-10-16T10:00:00Z")).is_err());
        assert!(range(Some("yesterday"), None).is_err());
        assert!(range(Some("2025-01-01T00:00:00Z"), Some("2025-06-01T00:00:00Z")).is_err());
        let (f, t) = range(None, None).unwrap();
        assert_eq!(t.0 - f.0, DEFAULT_RANGE_MS + 1);
    }

    #[test]
    fn limits() {
        assert_eq!(bounded("limit", None, 50, 500).unwrap(), 50);
        assert_eq!(bounded("limit", Some("7"), 50, 500).unwrap(), 7);
        for bad in ["0", "501", "-1", "ten", ""] {
            assert!(bounded("limit", Some(bad), 50, 500).is_err(), "{bad}");
        }
    }
}
