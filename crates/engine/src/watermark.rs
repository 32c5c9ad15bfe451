//! Event-time progress per input partition, and the engine's watermark.

use std::collections::BTreeMap;

/// Tracks the watermark: per partition, the highest event time seen minus the
/// allowed lateness; overall, the minimum over partitions that are not idle.
///
/// Idleness is wall-clock: a partition with no event for `idle_timeout_ms` stops
/// holding the others back (after arroyo's `WatermarkHolder`). When every partition
/// is idle the input has paused, and the watermark moves to the most advanced one so
/// that the windows of a quiet stream still close. The watermark never goes back.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct WatermarkTracker {
    lateness_ms: i64,
    idle_timeout_ms: i64,
    partitions: BTreeMap<u32, PartitionProgress>,
    current: Option<i64>,
}

#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize)]
struct PartitionProgress {
    max_event_ms: i64,
    last_active_wall_ms: i64,
    /// Read to its end: nothing is waiting in it, so it holds nobody back until its
    /// next event.
    drained: bool,
}

impl WatermarkTracker {
    /// A tracker with no partitions yet (watermark undefined).
    pub fn new(lateness_ms: i64, idle_timeout_ms: i64) -> Self {
        Self {
            lateness_ms,
            idle_timeout_ms,
            partitions: BTreeMap::new(),
            current: None,
        }
    }

    /// Records an event time seen on `partition` at wall time `now_ms`.
    pub fn observe(&mut self, partition: u32, event_ms: i64, now_ms: i64) {
        let p = self
            .partitions
            .entry(partition)
            .or_insert(PartitionProgress {
                max_event_ms: event_ms,
                last_active_wall_ms: now_ms,
                drained: false,
            });
        p.max_event_ms = p.max_event_ms.max(event_ms);
        p.last_active_wall_ms = now_ms;
        p.drained = false;
    }

    /// Announces an input partition before its first event (a Kafka partition just
    /// assigned): until it delivers, is drained or goes idle, it holds the watermark
    /// back, so that another partition's backlog read first cannot make its events
    /// late. A known partition is left as it is.
    pub fn register(&mut self, partition: u32, now_ms: i64) {
        self.partitions
            .entry(partition)
            .or_insert(PartitionProgress {
                max_event_ms: i64::MIN,
                last_active_wall_ms: now_ms,
                drained: false,
            });
    }

    /// Says that `partition` has been read to its end for now (its log holds nothing
    /// more). Like an idle partition, it stops holding the watermark back until its
    /// next event, without waiting out the idle timeout: a sparse input (lifecycle
    /// events, say) must not stall the windows of a busy one.
    pub fn drained(&mut self, partition: u32) {
        if let Some(p) = self.partitions.get_mut(&partition) {
            p.drained = true;
        }
    }

    /// Forgets a partition (e.g. revoked in a rebalance).
    pub fn remove(&mut self, partition: u32) {
        self.partitions.remove(&partition);
    }

    /// Counts every known partition as active at `now_ms`: after a restart from a
    /// checkpoint, a partition's silence during the downtime says nothing about it,
    /// and it gets a full idle timeout to deliver its backlog before it stops
    /// holding the watermark back.
    pub fn resume(&mut self, now_ms: i64) {
        for p in self.partitions.values_mut() {
            p.last_active_wall_ms = now_ms;
        }
    }

    /// Recomputes the watermark at wall time `now_ms` and returns it.
    pub fn update(&mut self, now_ms: i64) -> Option<i64> {
        let active_min = self
            .partitions
            .values()
            .filter(|p| !p.drained && now_ms - p.last_active_wall_ms < self.idle_timeout_ms)
            .map(|p| p.max_event_ms)
            .min();
        let candidate = active_min
            .or_else(|| self.partitions.values().map(|p| p.max_event_ms).max())
            .filter(|t| *t != i64::MIN)
            .map(|t| t - self.lateness_ms);
        self.current = match (self.current, candidate) {
            (Some(c), Some(n)) => Some(c.max(n)),
            (c, n) => c.or(n),
        };
        self.current
    }

    /// Moves the watermark to `t` at least (end of input closes everything).
    pub fn force(&mut self, t: i64) {
        self.current = Some(self.current.map_or(t, |c| c.max(t)));
    }

    /// The current watermark, if any event has been seen.
    pub fn current(&self) -> Option<i64> {
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_over_partitions_minus_lateness() {
        let mut w = WatermarkTracker::new(10_000, 30_000);
        w.observe(0, 100_000, 0);
        w.observe(1, 50_000, 0);
        assert_eq!(w.update(0), Some(40_000));
        w.observe(1, 120_000, 1);
        assert_eq!(w.update(1), Some(90_000));
    }

    #[test]
    fn idle_partition_stops_holding_back_and_watermark_never_regresses() {
        let mut w = WatermarkTracker::new(10_000, 30_000);
        w.observe(0, 50_000, 0);
        w.observe(1, 200_000, 0);
        assert_eq!(w.update(1_000), Some(40_000));
        // Partition 0 goes quiet; partition 1 keeps going.
        w.observe(1, 210_000, 31_000);
        assert_eq!(w.update(31_000), Some(200_000));
        // Partition 0 wakes up with old data: the watermark stays where it was.
        w.observe(0, 60_000, 32_000);
        assert_eq!(w.update(32_000), Some(200_000));
    }

    #[test]
    fn a_drained_partition_stops_holding_back_until_its_next_event() {
        let mut w = WatermarkTracker::new(10_000, 30_000);
        w.observe(0, 50_000, 0);
        w.observe(1, 200_000, 0);
        assert_eq!(w.update(1), Some(40_000));
        w.drained(0);
        assert_eq!(w.update(2), Some(190_000));
        w.observe(0, 195_000, 3);
        w.observe(1, 300_000, 3);
        assert_eq!(
            w.update(3),
            Some(190_000),
            "held back again by its new event"
        );
    }

    #[test]
    fn a_registered_partition_holds_back_until_it_delivers_or_drains() {
        let mut w = WatermarkTracker::new(10_000, 30_000);
        w.register(0, 0);
        w.observe(1, 500_000, 0);
        assert_eq!(w.update(1), None, "partition 0 has not delivered yet");
        w.observe(0, 100_000, 2);
        assert_eq!(w.update(2), Some(90_000));
        w.register(0, 3);
        assert_eq!(
            w.update(3),
            Some(90_000),
            "registering again changes nothing"
        );
        let mut w = WatermarkTracker::new(10_000, 30_000);
        w.register(0, 0);
        w.observe(1, 500_000, 0);
        w.drained(0);
        assert_eq!(
            w.update(1),
            Some(490_000),
            "an empty partition holds nobody back"
        );
    }

    #[test]
    fn all_idle_advances_to_the_most_advanced_partition() {
        let mut w = WatermarkTracker::new(10_000, 30_000);
        w.observe(0, 50_000, 0);
        w.observe(1, 80_000, 0);
        assert_eq!(w.update(1), Some(40_000));
        assert_eq!(w.update(60_000), Some(70_000));
    }
}
