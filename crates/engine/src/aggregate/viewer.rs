//! Viewer aggregates: last, min, max and mean of the samples.

use telemetra_types::{ViewerCount, WindowMetrics};

/// Viewer samples of one channel in one pane (or merged window).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ViewerPane {
    /// Latest sample by (event time, event id): the id breaks ties so the result does
    /// not depend on arrival order.
    last: Option<(i64, String, u64)>,
    min: Option<u64>,
    max: Option<u64>,
    sum: u128,
    samples: u64,
}

impl ViewerPane {
    /// Adds one sample.
    pub fn add(&mut self, v: &ViewerCount) {
        let candidate = (v.timestamp.0, v.event_id.as_str());
        if self
            .last
            .as_ref()
            .is_none_or(|(t, id, _)| candidate > (*t, id.as_str()))
        {
            self.last = Some((v.timestamp.0, v.event_id.clone(), v.viewer_count));
        }
        self.min = Some(self.min.map_or(v.viewer_count, |m| m.min(v.viewer_count)));
        self.max = Some(self.max.map_or(v.viewer_count, |m| m.max(v.viewer_count)));
        self.sum += u128::from(v.viewer_count);
        self.samples += 1;
    }

    /// Adds another pane's samples.
    pub fn merge(&mut self, other: &ViewerPane) {
        if let Some((t, id, n)) = &other.last {
            if self
                .last
                .as_ref()
                .is_none_or(|(lt, lid, _)| (*t, id.as_str()) > (*lt, lid.as_str()))
            {
                self.last = Some((*t, id.clone(), *n));
            }
        }
        self.min = match (self.min, other.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.sum += other.sum;
        self.samples += other.samples;
    }

    /// Writes the viewer fields.
    pub fn finish(self, m: &mut WindowMetrics) {
        m.viewer_last = self.last.map(|(_, _, n)| n);
        m.viewer_min = self.min;
        m.viewer_max = self.max;
        m.viewer_avg = (self.samples > 0).then(|| self.sum as f64 / self.samples as f64);
    }
}
