//! Engine settings and their cross-field checks.

use serde::{Deserialize, Serialize};

/// Event-time and detection settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineConfig {
    /// Window length in milliseconds.
    pub window_ms: i64,
    /// Window slide in milliseconds; must divide the length (equal: tumbling windows).
    pub slide_ms: i64,
    /// Allowed lateness: the watermark trails the highest event time by this much.
    pub lateness_ms: i64,
    /// A partition without events for this long stops holding the watermark back.
    pub idle_timeout_ms: i64,
    /// Events more than this far ahead of the wall clock are refused.
    pub max_skew_ms: i64,
    /// What to do with events older than the watermark.
    pub late_policy: LatePolicy,
    /// With [`LatePolicy::Correct`], how far behind the watermark an event may be and
    /// still correct its final windows; older ones are dropped.
    pub correction_horizon_ms: i64,
    /// A channel with no open window and no event for this long (in event time,
    /// behind the watermark) is forgotten: its results are stored, and keeping its
    /// baseline for ever would grow memory with every channel ever seen. It starts
    /// afresh if it comes back.
    pub channel_idle_evict_ms: i64,
    /// Moment detection.
    pub moments: MomentConfig,
}

/// What happens to an event older than the watermark (its windows may be final).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LatePolicy {
    /// Count it and drop it, as Spark Structured Streaming does.
    Drop,
    /// Apply it and emit the affected final windows again with corrected values,
    /// within the correction horizon. Final results then do not depend on arrival order.
    Correct,
}

/// Moment detection settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MomentConfig {
    /// Final windows kept in the rolling baseline.
    pub history: usize,
    /// Complete windows needed before anything can fire.
    pub min_history: usize,
    /// |z| at or above which a moment opens.
    pub z_threshold: f64,
    /// |z| below which an open episode ends, so the next spike is a new moment.
    pub z_rearm: f64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            window_ms: 60_000,
            slide_ms: 10_000,
            lateness_ms: 10_000,
            idle_timeout_ms: 30_000,
            max_skew_ms: 300_000,
            late_policy: LatePolicy::Correct,
            correction_horizon_ms: 600_000,
            channel_idle_evict_ms: 3_600_000,
            moments: MomentConfig::default(),
        }
    }
}

impl Default for MomentConfig {
    fn default() -> Self {
        Self {
            history: 30,
            min_history: 6,
            z_threshold: 3.0,
            z_rearm: 1.0,
        }
    }
}

/// An invalid combination of settings.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// Length or slide not positive.
    #[error("window length ({window_ms} ms) and slide ({slide_ms} ms) must be positive")]
    NonPositiveWindow {
        /// Length.
        window_ms: i64,
        /// Slide.
        slide_ms: i64,
    },
    /// The slide does not divide the length.
    #[error("the slide ({slide_ms} ms) must divide the window length ({window_ms} ms)")]
    SlideDoesNotDivide {
        /// Length.
        window_ms: i64,
        /// Slide.
        slide_ms: i64,
    },
    /// A duration that must not be negative is.
    #[error("{name} must not be negative (got {value} ms)")]
    Negative {
        /// Setting name.
        name: &'static str,
        /// Value given.
        value: i64,
    },
    /// Moment thresholds that cannot work.
    #[error("moment thresholds: need 0 <= z_rearm < z_threshold and 2 <= min_history <= history")]
    Moments,
}

impl EngineConfig {
    /// Checks the settings together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let (window_ms, slide_ms) = (self.window_ms, self.slide_ms);
        if window_ms <= 0 || slide_ms <= 0 {
            return Err(ConfigError::NonPositiveWindow {
                window_ms,
                slide_ms,
            });
        }
        if window_ms % slide_ms != 0 {
            return Err(ConfigError::SlideDoesNotDivide {
                window_ms,
                slide_ms,
            });
        }
        for (name, value) in [
            ("allowed lateness", self.lateness_ms),
            ("idle timeout", self.idle_timeout_ms),
            ("maximum skew", self.max_skew_ms),
            ("correction horizon", self.correction_horizon_ms),
            ("channel eviction delay", self.channel_idle_evict_ms),
        ] {
            if value < 0 {
                return Err(ConfigError::Negative { name, value });
            }
        }
        let m = &self.moments;
        if !(m.z_rearm >= 0.0
            && m.z_rearm < m.z_threshold
            && m.min_history >= 2
            && m.min_history <= m.history)
        {
            return Err(ConfigError::Moments);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        EngineConfig::default().validate().unwrap();
    }

    #[test]
    fn rejects_bad_combinations() {
        let bad = |f: fn(&mut EngineConfig)| {
            let mut c = EngineConfig::default();
            f(&mut c);
            c.validate().unwrap_err()
        };
        assert!(matches!(
            bad(|c| c.slide_ms = 7_000),
            ConfigError::SlideDoesNotDivide { .. }
        ));
        assert!(matches!(
            bad(|c| c.slide_ms = 0),
            ConfigError::NonPositiveWindow { .. }
        ));
        assert!(matches!(
            bad(|c| c.lateness_ms = -1),
            ConfigError::Negative { .. }
        ));
        assert!(matches!(
            bad(|c| c.moments.z_rearm = 5.0),
            ConfigError::Moments
        ));
    }
}
