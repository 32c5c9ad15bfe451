//! Window arithmetic: epoch-aligned sliding windows made of slide-sized panes.

/// Length and slide of the sliding windows.
///
/// Pane `p` covers `[p * slide, (p + 1) * slide)`. The window that starts at pane
/// `q` covers panes `q .. q + panes_per_window`, so an event in pane `p` belongs
/// to the windows starting at panes `p - panes_per_window + 1 ..= p`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSpec {
    /// Window length, ms.
    pub window_ms: i64,
    /// Slide, ms.
    pub slide_ms: i64,
}

impl WindowSpec {
    /// Panes in one window.
    pub fn panes_per_window(self) -> i64 {
        self.window_ms / self.slide_ms
    }

    /// The pane holding event time `t` (floor division, so times before 1970 work).
    pub fn pane_of(self, t: i64) -> i64 {
        t.div_euclid(self.slide_ms)
    }

    /// Start time of pane `p` (also the start of the window that begins there).
    pub fn pane_start(self, p: i64) -> i64 {
        p * self.slide_ms
    }

    /// End time of the window that starts at pane `q`.
    pub fn window_end(self, q: i64) -> i64 {
        self.pane_start(q) + self.window_ms
    }

    /// Start panes of every window containing event time `t`, oldest first.
    pub fn windows_of(self, t: i64) -> std::ops::RangeInclusive<i64> {
        let p = self.pane_of(t);
        p - self.panes_per_window() + 1..=p
    }

    /// The newest start pane of a window that is final at watermark `wm`
    /// (window end <= watermark).
    pub fn last_final_start(self, wm: i64) -> i64 {
        (wm - self.window_ms).div_euclid(self.slide_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: WindowSpec = WindowSpec {
        window_ms: 60_000,
        slide_ms: 10_000,
    };

    #[test]
    fn event_on_a_boundary_starts_a_new_pane() {
        assert_eq!(SPEC.pane_of(9_999), 0);
        assert_eq!(SPEC.pane_of(10_000), 1);
        assert_eq!(SPEC.pane_of(-1), -1);
    }

    #[test]
    fn an_event_belongs_to_every_window_covering_it() {
        let starts: Vec<i64> = SPEC
            .windows_of(60_000)
            .map(|q| SPEC.pane_start(q))
            .collect();
        assert_eq!(starts, [10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
        for s in starts {
            assert!(s <= 60_000 && 60_000 < s + SPEC.window_ms);
        }
        // The window [0, 60 000) ends exactly where the event is: it does not contain it.
        assert!(!SPEC.windows_of(60_000).any(|q| q == 0));
        assert!(SPEC.windows_of(59_999).any(|q| q == 0));
    }

    #[test]
    fn tumbling_windows_when_slide_equals_length() {
        let t = WindowSpec {
            window_ms: 60_000,
            slide_ms: 60_000,
        };
        assert_eq!(t.windows_of(125_000), 2..=2);
    }

    #[test]
    fn finality_needs_the_watermark_at_the_end() {
        // Window [0, 60 000) is final once the watermark reaches 60 000.
        assert_eq!(SPEC.last_final_start(59_999), -1);
        assert_eq!(SPEC.last_final_start(60_000), 0);
    }
}
