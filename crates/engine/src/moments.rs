//! Moment detection: rolling baselines over final windows, z-scores, episodes.

use std::collections::VecDeque;

use serde_json::json;
use telemetra_types::{Moment, MomentType, Severity, StreamMeta, Timestamp, WindowMetrics};

use crate::MomentConfig;

/// Detects chat spikes on one channel from its final windows, in window order.
///
/// The baseline is the mean and standard deviation of the last `history` complete
/// windows. Overlapping sliding windows are strongly correlated, which makes their
/// sample deviation too small, so the deviation is floored at the Poisson deviation
/// of the mean count (`sqrt(mean)`): chat messages arrive roughly as a Poisson process.
/// One burst spans several overlapping windows; hysteresis makes it one moment: after a
/// moment opens, |z| must fall below `z_rearm` before another can.
#[derive(Clone, Debug, Default)]
pub struct SpikeDetector {
    history: VecDeque<f64>,
    in_episode: bool,
}

impl SpikeDetector {
    /// Scores a final window and returns a moment if one opens.
    pub fn observe(
        &mut self,
        cfg: &MomentConfig,
        w: &WindowMetrics,
        slide_ms: i64,
    ) -> Option<Moment> {
        let value = w.message_count as f64;
        let mut opened = None;
        if self.history.len() >= cfg.min_history {
            let n = self.history.len() as f64;
            let mean = self.history.iter().sum::<f64>() / n;
            let var = self.history.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let std = var.sqrt().max(mean.sqrt()).max(1.0);
            let z = (value - mean) / std;
            if self.in_episode {
                if z < cfg.z_rearm {
                    self.in_episode = false;
                }
            } else if z >= cfg.z_threshold {
                self.in_episode = true;
                opened = Some(chat_spike(w, z, value, mean, slide_ms));
            }
        }
        self.history.push_back(value);
        while self.history.len() > cfg.history {
            self.history.pop_front();
        }
        opened
    }
}

fn severity(z: f64) -> Severity {
    if z >= 6.0 {
        Severity::High
    } else if z >= 4.5 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

fn chat_spike(w: &WindowMetrics, z: f64, value: f64, baseline: f64, slide_ms: i64) -> Moment {
    let window_ms = w.window_end.0 - w.window_start.0;
    let per_min = |count: f64| count * 60_000.0 / window_ms as f64;
    let ratio = if baseline > 0.0 {
        value / baseline
    } else {
        f64::INFINITY
    };
    // The newest pane is what pushed the window over: date the moment there.
    let at = w.window_end.0 - slide_ms;
    Moment {
        moment_id: format!("{}-chat_spike-{}", w.stream_id, w.window_start.0),
        stream_id: w.stream_id.clone(),
        timestamp: Timestamp(at),
        moment_type: telemetra_types::MomentType::ChatSpike,
        description: format!(
            "Chat exploded: {:.0} messages/min, {:.1}x the usual {:.0}",
            per_min(value),
            ratio,
            per_min(baseline)
        ),
        severity: severity(z),
        z_score: Some(round2(z)),
        value: Some(value),
        baseline: Some(round2(baseline)),
        metadata: json!({
            "metric": "message_count",
            "window_start": w.window_start,
            "window_end": w.window_end,
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
        let mut d = SpikeDetector::default();
        let counts = [
            100, 104, 97, 101, 99, 103, 98, 100, 250, 400, 420, 410, 300, 180, 100, 98, 102,
        ];
        let moments: Vec<Moment> = counts
            .iter()
            .enumerate()
            .filter_map(|(i, &c)| d.observe(&cfg, &window(i as i64 * 10_000, c), 10_000))
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
        let mut d = SpikeDetector::default();
        let fired = [10, 10, 10, 10, 500]
            .iter()
            .enumerate()
            .filter_map(|(i, &c)| d.observe(&cfg, &window(i as i64 * 10_000, c), 10_000))
            .count();
        assert_eq!(fired, 0);
    }

    #[test]
    fn a_second_burst_after_calm_is_a_new_moment() {
        let cfg = MomentConfig::default();
        let mut d = SpikeDetector::default();
        let mut counts = vec![100; 8];
        counts.extend([400, 100, 100, 100, 100, 100, 100, 100, 100, 100, 500]);
        let fired = counts
            .iter()
            .enumerate()
            .filter_map(|(i, &c)| d.observe(&cfg, &window(i as i64 * 10_000, c), 10_000))
            .count();
        assert_eq!(fired, 2);
    }
}
