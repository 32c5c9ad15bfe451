//! Moment detection: rolling baselines over final windows, z-scores, episodes.
//!
//! Each channel has one [`Baseline`] per watched metric. A final, complete window is
//! scored against the mean and standard deviation of the last `history` windows;
//! |z| at or above the threshold opens a moment. One burst spans several overlapping
//! windows, so hysteresis makes it one moment: once an episode is open, |z| must fall
//! below `z_rearm` before another can open. Overlapping sliding windows are strongly
//! correlated, which makes their sample deviation too small; each metric therefore
//! floors the deviation at a scale natural to it (see [`Metric::std_floor`]).

use std::collections::VecDeque;

use serde_json::json;
use telemetra_types::{Moment, MomentType, Severity, StreamMeta, Timestamp, WindowMetrics};

use crate::MomentConfig;

/// A window metric that moments are detected on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Chat messages in the window: `chat_spike`.
    Chat,
    /// Mean viewer count: `viewer_spike` and `viewer_drop`.
    Viewers,
    /// Money in the window: `donation_burst`.
    Money,
    /// Mean message sentiment: `sentiment_shift`, either way.
    Sentiment,
}

impl Metric {
    const ALL: [Metric; 4] = [
        Metric::Chat,
        Metric::Viewers,
        Metric::Money,
        Metric::Sentiment,
    ];

    fn value(self, w: &WindowMetrics) -> Option<f64> {
        match self {
            Metric::Chat => Some(w.message_count as f64),
            Metric::Viewers => w.viewer_avg,
            Metric::Money => Some(w.transaction_amount),
            Metric::Sentiment => w.sentiment_score,
        }
    }

    /// The smallest deviation believed, given the baseline mean.
    ///
    /// Chat arrives roughly as a Poisson process (deviation `sqrt(mean)`); viewer
    /// counts drift a few percent without anything happening; money is heavy-tailed
    /// (one large donation is not a burst); a sentiment mean over few messages is noisy.
    fn std_floor(self, mean: f64, w: &WindowMetrics) -> f64 {
        match self {
            Metric::Chat => mean.sqrt().max(1.0),
            Metric::Viewers => (mean.abs() * 0.05).max(1.0),
            Metric::Money => mean.abs().max(5.0),
            // A mean of n messages wobbles by about σ/√n, σ ≈ 0.5 for chat.
            Metric::Sentiment => (0.5 / (w.message_count.max(1) as f64).sqrt()).max(0.05),
        }
    }

    /// Whether the change is large enough to matter to a streamer, whatever its
    /// z-score: over many channels and windows, 3σ happens by chance every few hours,
    /// and "chat 5 % busier" is not a moment.
    fn is_meaningful(self, value: f64, mean: f64) -> bool {
        match self {
            Metric::Chat => value >= 1.5 * mean,
            Metric::Viewers => (value - mean).abs() >= 0.1 * mean.abs(),
            Metric::Money => value >= 2.0 * mean,
            Metric::Sentiment => (value - mean).abs() >= 0.1,
        }
    }

    /// The moment a standard score opens, if any.
    fn moment_type(self, z: f64, threshold: f64) -> Option<MomentType> {
        match self {
            Metric::Chat if z >= threshold => Some(MomentType::ChatSpike),
            Metric::Viewers if z >= threshold => Some(MomentType::ViewerSpike),
            Metric::Viewers if z <= -threshold => Some(MomentType::ViewerDrop),
            Metric::Money if z >= threshold => Some(MomentType::DonationBurst),
            Metric::Sentiment if z.abs() >= threshold => Some(MomentType::SentimentShift),
            _ => None,
        }
    }
}

/// The rolling baseline of one metric on one channel.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Baseline {
    history: VecDeque<f64>,
    in_episode: bool,
}

impl Baseline {
    /// Scores `value` and returns the standard score and baseline mean when a moment
    /// opens, then adds the value to the history.
    fn observe(
        &mut self,
        cfg: &MomentConfig,
        metric: Metric,
        value: f64,
        w: &WindowMetrics,
    ) -> Option<(MomentType, f64, f64)> {
        let mut opened = None;
        if self.history.len() >= cfg.min_history {
            let n = self.history.len() as f64;
            let mean = self.history.iter().sum::<f64>() / n;
            let var = self.history.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let z = (value - mean) / var.sqrt().max(metric.std_floor(mean, w));
            if self.in_episode {
                if z.abs() < cfg.z_rearm {
                    self.in_episode = false;
                }
            } else if let Some(kind) = metric
                .moment_type(z, cfg.z_threshold)
                .filter(|_| metric.is_meaningful(value, mean))
            {
                self.in_episode = true;
                opened = Some((kind, z, mean));
            }
        }
        self.history.push_back(value);
        while self.history.len() > cfg.history {
            self.history.pop_front();
        }
        opened
    }
}

/// All baselines of one channel.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct MomentDetector {
    baselines: [Baseline; 4],
}

impl MomentDetector {
    /// Scores a final, complete window (windows must come in start order) and returns
    /// the moments it opens.
    pub fn observe(&mut self, cfg: &MomentConfig, w: &WindowMetrics, slide_ms: i64) -> Vec<Moment> {
        let mut opened = Vec::new();
        for (metric, baseline) in Metric::ALL.into_iter().zip(self.baselines.iter_mut()) {
            let Some(value) = metric.value(w) else {
                continue;
            };
            if let Some((kind, z, mean)) = baseline.observe(cfg, metric, value, w) {
                opened.push(statistical_moment(w, kind, z, value, mean, slide_ms));
            }
        }
        opened
    }
}

fn severity(z: f64) -> Severity {
    let z = z.abs();
    if z >= 6.0 {
        Severity::High
    } else if z >= 4.5 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn statistical_moment(
    w: &WindowMetrics,
    kind: MomentType,
    z: f64,
    value: f64,
    baseline: f64,
    slide_ms: i64,
) -> Moment {
    let window_ms = (w.window_end.0 - w.window_start.0).max(1);
    let per_min = |count: f64| count * 60_000.0 / window_ms as f64;
    let ratio = if baseline.abs() > f64::EPSILON {
        value / baseline
    } else {
        f64::INFINITY
    };
    let description = match kind {
        MomentType::ChatSpike => format!(
            "Chat exploded: {:.0} messages/min, {:.1}x the usual {:.0}",
            per_min(value),
            ratio,
            per_min(baseline)
        ),
        MomentType::ViewerSpike => {
            format!("Viewers jumped to {value:.0}, up from about {baseline:.0}")
        }
        MomentType::ViewerDrop => {
            format!("Viewers fell to {value:.0}, down from about {baseline:.0}")
        }
        MomentType::DonationBurst => {
            format!("Money is pouring in: ${value:.2} in a minute, against about ${baseline:.2} usually")
        }
        MomentType::SentimentShift if value >= baseline => {
            format!("Chat mood lifted: sentiment {value:+.2} against a usual {baseline:+.2}")
        }
        MomentType::SentimentShift => {
            format!("Chat mood soured: sentiment {value:+.2} against a usual {baseline:+.2}")
        }
        MomentType::RaidIncoming => unreachable!("raids are not statistical moments"),
    };
    // The newest pane is what pushed the window over: date the moment there.
    let at = w.window_end.0 - slide_ms;
    Moment {
        moment_id: format!("{}-{}-{}", w.stream_id, kind.as_str(), w.window_start.0),
        stream_id: w.stream_id.clone(),
        timestamp: Timestamp(at),
        moment_type: kind,
        description,
        severity: severity(z),
        z_score: Some(round2(z)),
        value: Some(round2(value)),
        baseline: Some(round2(baseline)),
        metadata: json!({
            "window_start": w.window_start,
            "window_end": w.window_end,
            "message_count": w.message_count,
            "unique_chatters": w.unique_chatters,
        }),
    }
}

/// A raid is a moment of its own, dated at the raid event.
///
/// Its severity depends on the raid alone, not on the viewer count at the moment it
/// is processed: that would depend on arrival order, and replays must not.
pub fn raid_moment(m: &StreamMeta) -> Moment {
    let viewers = m.raid_viewers.unwrap_or(0);
    let raider = m.raider.as_deref().unwrap_or("another channel");
    let severity = match viewers {
        1_000.. => Severity::High,
        100.. => Severity::Medium,
        _ => Severity::Low,
    };
    Moment {
        moment_id: format!("{}-raid_incoming-{}", m.channel, m.event_id),
        stream_id: m.channel.clone(),
        timestamp: m.timestamp,
        moment_type: MomentType::RaidIncoming,
        description: format!("Raid from {raider} with {viewers} viewers"),
        severity,
        z_score: None,
        value: Some(viewers as f64),
        baseline: None,
        metadata: json!({ "raider": m.raider, "raid_viewers": m.raid_viewers, "event_id": m.event_id }),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Whether a window covers only time after the channel's first event: earlier
/// windows are partial and would drag the baseline down.
pub fn is_complete(w: &WindowMetrics, first_event_ms: i64) -> bool {
    w.window_start.0 >= first_event_ms
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetra_types::ChannelId;

    fn window(start: i64, count: u64) -> WindowMetrics {
        let id = ChannelId::parse("demo").unwrap();
        let mut w = WindowMetrics::empty(id, Timestamp(start), Timestamp(start + 60_000), true);
        w.message_count = count;
        w
    }

    #[test]
    fn one_burst_over_overlapping_windows_is_one_moment() {
        let cfg = MomentConfig::default();
        let mut d = MomentDetector::default();
        let counts = [
            100, 104, 97, 101, 99, 103, 98, 100, 250, 400, 420, 410, 300, 180, 100, 98, 102,
        ];
        let moments: Vec<Moment> = counts
            .iter()
            .enumerate()
            .flat_map(|(i, &c)| d.observe(&cfg, &window(i as i64 * 10_000, c), 10_000))
            .collect();
        assert_eq!(moments.len(), 1, "{moments:?}");
        let m = &moments[0];
        assert_eq!(m.moment_type, MomentType::ChatSpike);
        assert_eq!(m.value, Some(250.0));
        assert!(m.z_score.unwrap() >= 3.0);
        assert_eq!(m.moment_id, "demo-chat_spike-80000");
    }

    #[test]
    fn nothing_fires_before_the_minimum_history() {
        let cfg = MomentConfig::default();
        let mut d = MomentDetector::default();
        let fired = [10, 10, 10, 10, 500]
            .iter()
            .enumerate()
            .flat_map(|(i, &c)| d.observe(&cfg, &window(i as i64 * 10_000, c), 10_000))
            .count();
        assert_eq!(fired, 0);
    }

    #[test]
    fn a_second_burst_after_calm_is_a_new_moment() {
        let cfg = MomentConfig::default();
        let mut d = MomentDetector::default();
        let mut counts = vec![100; 8];
        counts.extend([400, 100, 100, 100, 100, 100, 100, 100, 100, 100, 500]);
        let fired = counts
            .iter()
            .enumerate()
            .flat_map(|(i, &c)| d.observe(&cfg, &window(i as i64 * 10_000, c), 10_000))
            .count();
        assert_eq!(fired, 2);
    }
}
