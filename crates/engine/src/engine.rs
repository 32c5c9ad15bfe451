//! The engine proper: routes events to panes, moves the watermark, closes windows.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use telemetra_types::{
    ChannelId, ChatView, Event, EventView, Moment, StreamEventType, StreamState, Transaction,
    ViewerCount, WindowMetrics,
};

use crate::aggregate::{merge_window, window_with_chat, Input, Pane, SlidingChat};
use crate::moments::{is_complete, raid_moment, MomentDetector};
use crate::{
    stream, ConfigError, EngineConfig, LatePolicy, SentimentModel, WatermarkTracker, WindowSpec,
};

/// Something the engine produced, for the store and the live hub.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// A window result: running (`is_final == false`) or final.
    Window(WindowMetrics),
    /// A moment opened.
    Moment(Moment),
    /// A channel's lifecycle state changed.
    Stream(StreamState),
    /// A viewer sample, kept as a time series.
    Viewer(ViewerCount),
    /// A money event, kept as a ledger.
    Transaction(Transaction),
}

/// What became of one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Counted in its windows.
    Applied,
    /// Older than the watermark and applied as a correction: the final windows it
    /// belongs to were emitted again with it counted.
    Corrected,
    /// Older than the watermark and dropped (policy `drop`, or beyond the correction
    /// horizon): its windows do not count it. Its raw fact and lifecycle effect are
    /// still recorded.
    Late,
    /// Too far ahead of the wall clock: refused entirely, watermark untouched.
    TooFarAhead,
    /// An event with the same id and kind was already counted in the same slide of the
    /// same channel: not counted again.
    Duplicate,
}

/// Counters for metrics and summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EngineStats {
    /// Events counted in windows.
    pub applied: u64,
    /// Events older than the watermark (corrected or dropped).
    pub late: u64,
    /// Late events applied as corrections.
    pub corrected: u64,
    /// Events refused as too far ahead.
    pub too_far_ahead: u64,
    /// Events refused as duplicates of one already counted.
    #[serde(default)]
    pub duplicates: u64,
    /// Final windows emitted.
    pub final_windows: u64,
    /// Moments opened.
    pub moments: u64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ChannelState {
    panes: BTreeMap<i64, Pane>,
    first_event_ms: i64,
    /// Start pane of the next window to finalize; every window before it is final.
    next_final: Option<i64>,
    /// Lowest pane changed since the last running emission.
    dirty_from: Option<i64>,
    detector: MomentDetector,
    stream: StreamState,
    stream_set_at: stream::SetAt,
    stream_dirty: bool,
    /// The chat the next final window shares with the last one. Not saved: after a
    /// restore it is rebuilt from the panes, as after anything that breaks the run.
    #[serde(skip)]
    sliding: Option<Sliding>,
}

impl ChannelState {
    /// The pane `pane`, made when it is new with the room its latest pane used. A pane
    /// that changes (a correction) is no longer what `sliding` counted, so that is
    /// dropped.
    fn pane_mut(&mut self, pane: i64) -> &mut Pane {
        if self.sliding.as_ref().is_some_and(|s| s.holds(pane)) {
            self.sliding = None;
        }
        let room = self.panes.last_key_value().map(|(_, p)| p.room());
        self.panes
            .entry(pane)
            .or_insert_with(|| Pane::with_room(room.unwrap_or_default()))
    }
}

/// The chat of the complete panes `from..to`, carried from one final window to the
/// next (see [`SlidingChat`]): windows are finalized in order, and window `q + 1`
/// shares all its panes but the last with window `q`.
struct Sliding {
    from: i64,
    to: i64,
    chat: SlidingChat,
}

impl Sliding {
    /// What is carried for a window starting at pane `q`: the run if it starts there,
    /// else an empty run (keeping the tables' room).
    fn for_window(carried: Option<Sliding>, q: i64) -> Sliding {
        match carried {
            Some(run) if run.from == q => run,
            Some(mut run) => {
                run.chat.clear();
                run.from = q;
                run.to = q;
                run
            }
            None => Sliding {
                from: q,
                to: q,
                chat: SlidingChat::default(),
            },
        }
    }

    fn holds(&self, pane: i64) -> bool {
        (self.from..self.to).contains(&pane)
    }

    /// Adds the panes up to `to` (exclusive).
    fn extend_to(&mut self, panes: &BTreeMap<i64, Pane>, to: i64) {
        debug_assert!(self.to <= to, "a run only grows forward");
        for (_, pane) in panes.range(self.to..to) {
            self.chat.add(pane.chat());
        }
        self.to = to;
    }

    /// Takes back the first pane, which the next window leaves behind.
    fn leave_first(&mut self, panes: &BTreeMap<i64, Pane>) {
        if let Some(pane) = panes.get(&self.from) {
            self.chat.remove(pane.chat());
        }
        self.from += 1;
    }
}

/// Format version of [`Engine::snapshot`]; bump it when the saved state changes shape.
const SNAPSHOT_VERSION: u32 = 2;

#[derive(serde::Serialize)]
struct SnapshotRef<'a> {
    version: u32,
    window_ms: i64,
    slide_ms: i64,
    watermark: &'a WatermarkTracker,
    channels: &'a Channels,
    stats: &'a EngineStats,
}

#[derive(serde::Deserialize)]
struct SnapshotOwned {
    version: u32,
    window_ms: i64,
    slide_ms: i64,
    watermark: WatermarkTracker,
    channels: Channels,
    stats: EngineStats,
}

/// Why a checkpoint could not be restored.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The settings are invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The bytes are not an engine snapshot.
    #[error("the checkpoint is unreadable: {0}")]
    Corrupt(#[from] postcard::Error),
    /// Written by another version of the engine.
    #[error("the checkpoint has format version {0}, this engine reads version {SNAPSHOT_VERSION}")]
    Version(u32),
    /// The window length or slide changed since the checkpoint.
    #[error("the checkpoint was taken with windows of {} ms sliding by {} ms, but the engine is set to {} ms by {} ms: use a new consumer group (or the old settings)", saved.0, saved.1, now.0, now.1)]
    WindowChanged {
        /// (length, slide) in the checkpoint.
        saved: (i64, i64),
        /// (length, slide) now.
        now: (i64, i64),
    },
}

/// Channel states in channel order, so that outputs come out in the same order
/// whatever the order the channels were first seen in; found by hash, as every
/// event looks its channel up.
type Channels = IndexMap<ChannelId, ChannelState, foldhash::fast::RandomState>;

/// The stream engine for any number of channels and partitions.
pub struct Engine {
    cfg: EngineConfig,
    spec: WindowSpec,
    watermark: WatermarkTracker,
    channels: Channels,
    out: Vec<Output>,
    stats: EngineStats,
    sentiment: SentimentModel,
}

impl Engine {
    /// Builds an engine after checking its settings.
    pub fn new(cfg: EngineConfig) -> Result<Self, ConfigError> {
        cfg.validate()?;
        Ok(Self {
            spec: WindowSpec {
                window_ms: cfg.window_ms,
                slide_ms: cfg.slide_ms,
            },
            watermark: WatermarkTracker::new(cfg.lateness_ms, cfg.idle_timeout_ms),
            cfg,
            channels: Channels::default(),
            out: Vec::new(),
            stats: EngineStats::default(),
            sentiment: SentimentModel::new(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// Takes one event read from `partition` at wall time `now_ms`.
    pub fn process(&mut self, partition: u32, event: &Event, now_ms: i64) -> Verdict {
        match event {
            Event::Chat(m) => self.process_input(partition, Input::Chat(&ChatView::of(m)), now_ms),
            Event::Viewer(v) => self.process_input(partition, Input::Viewer(v), now_ms),
            Event::Transaction(t) => self.process_input(partition, Input::Transaction(t), now_ms),
            Event::StreamMeta(m) => self.process_input(partition, Input::StreamMeta(m), now_ms),
        }
    }

    /// Takes one event as [`telemetra_types::decode_event_view`] decoded it: a chat
    /// message is counted straight from the bytes it borrows.
    pub fn process_view(&mut self, partition: u32, event: &EventView<'_>, now_ms: i64) -> Verdict {
        match event {
            EventView::Chat(m) => self.process_input(partition, Input::Chat(m), now_ms),
            EventView::Owned(e) => self.process(partition, e, now_ms),
        }
    }

    fn process_input(&mut self, partition: u32, event: Input<'_, '_>, now_ms: i64) -> Verdict {
        let ts = event.timestamp();
        let t = ts.0;
        if t > now_ms.saturating_add(self.cfg.max_skew_ms) {
            self.stats.too_far_ahead += 1;
            return Verdict::TooFarAhead;
        }
        self.watermark.observe(partition, t, now_ms);
        let channel = event.channel();
        // One search for a known channel (the common case); a new one is searched again.
        let ch = match self.channels.get_mut(channel) {
            Some(ch) => ch,
            None => {
                let id = event.channel_id();
                let stream = stream::new_state(&id, ts);
                let state = ChannelState {
                    panes: BTreeMap::new(),
                    first_event_ms: t,
                    next_final: None,
                    dirty_from: None,
                    detector: MomentDetector::default(),
                    stream,
                    stream_set_at: stream::SetAt::default(),
                    stream_dirty: true,
                    sliding: None,
                };
                match self.channels.entry(id) {
                    indexmap::map::Entry::Occupied(known) => known.into_mut(),
                    indexmap::map::Entry::Vacant(new) => new.insert_sorted(state).1,
                }
            }
        };
        let pane = self.spec.pane_of(t);
        let windowed = event.has_window_aggregate();
        // Only events counted in windows are remembered, so only they are hashed.
        let id_key = if windowed { event.id_key() } else { 0 };
        if windowed && ch.panes.get(&pane).is_some_and(|p| p.has_seen(id_key)) {
            self.stats.duplicates += 1;
            return Verdict::Duplicate;
        }

        // Facts that do not depend on windows are recorded even when late.
        match event {
            Input::StreamMeta(m) => {
                if stream::apply(&mut ch.stream, &mut ch.stream_set_at, m) {
                    self.out.push(Output::Stream(ch.stream.clone()));
                }
                if m.event_type == StreamEventType::RaidIncoming {
                    self.out.push(Output::Moment(raid_moment(m)));
                    self.stats.moments += 1;
                }
            }
            Input::Viewer(v) => self.out.push(Output::Viewer(v.clone())),
            Input::Transaction(tx) => self.out.push(Output::Transaction(tx.clone())),
            Input::Chat(_) => {}
        }
        if ts > ch.stream.last_seen {
            ch.stream.last_seen = ts;
            ch.stream_dirty = true;
        }

        // Lifecycle events carry no window aggregate: a pane for one alone would make
        // windows with nothing in them, and zeros in the channel's chat baseline.
        // Moderation is counted per window, like chat.
        if !windowed {
            self.stats.applied += 1;
            return Verdict::Applied;
        }
        let late = self.watermark.current().is_some_and(|wm| t < wm);
        if late {
            self.stats.late += 1;
            let horizon = self
                .watermark
                .current()
                .unwrap_or(t)
                .saturating_sub(self.cfg.correction_horizon_ms);
            if self.cfg.late_policy == LatePolicy::Drop || t < horizon {
                return Verdict::Late;
            }
        }
        // Scoring is the costliest step of a chat message: done only for counted ones.
        let sentiment = match event {
            Input::Chat(m) => Some(self.sentiment.score(&m.message)),
            _ => None,
        };
        if late {
            // Panes within the horizon are kept after their windows close (see
            // `finalize_through`), so the corrected windows are recomputed exactly.
            let p = ch.pane_mut(pane);
            p.add(event, sentiment);
            p.remember(id_key);
            let next_final = ch.next_final.unwrap_or(i64::MIN);
            let k = self.spec.panes_per_window();
            for q in self.spec.windows_of(t).filter(|q| *q < next_final) {
                let panes = ch.panes.range(q..q + k).map(|(_, p)| p);
                let w = merge_window(
                    &ch.stream.stream_id,
                    self.spec.pane_start(q),
                    self.spec.window_end(q),
                    panes,
                    true,
                );
                self.out.push(Output::Window(w));
            }
            ch.dirty_from = Some(ch.dirty_from.map_or(pane, |d| d.min(pane)));
            self.stats.corrected += 1;
            return Verdict::Corrected;
        }
        let p = ch.pane_mut(pane);
        p.add(event, sentiment);
        p.remember(id_key);
        ch.first_event_ms = ch.first_event_ms.min(t);
        ch.dirty_from = Some(ch.dirty_from.map_or(pane, |d| d.min(pane)));
        self.stats.applied += 1;
        Verdict::Applied
    }

    /// Announces input `partition` before its first event (see
    /// [`WatermarkTracker::register`]).
    pub fn register_partition(&mut self, partition: u32, now_ms: i64) {
        self.watermark.register(partition, now_ms);
    }

    /// Says that input `partition` has been read to its end for now (see
    /// [`WatermarkTracker::drained`]).
    pub fn partition_drained(&mut self, partition: u32) {
        self.watermark.drained(partition);
    }

    /// Recomputes the watermark at wall time `now_ms` and finalizes every window it passed.
    pub fn advance(&mut self, now_ms: i64) {
        if let Some(wm) = self.watermark.update(now_ms) {
            let last = self.spec.last_final_start(wm);
            self.finalize_through(|_| Some(last), Some(wm));
            self.evict_idle_channels(wm);
        }
    }

    /// Forgets channels whose every window is final and released and that have been
    /// silent for the eviction delay. Their state was emitted when it last changed.
    fn evict_idle_channels(&mut self, wm: i64) {
        let before = wm.saturating_sub(self.cfg.channel_idle_evict_ms);
        self.channels.retain(|_, ch| {
            !(ch.panes.is_empty() && !ch.stream_dirty && ch.stream.last_seen.0 < before)
        });
    }

    /// Channels whose state the engine holds.
    pub fn channels(&self) -> usize {
        self.channels.len()
    }

    /// End of input: every window becomes final, and every channel's state is emitted.
    pub fn close_all(&mut self) {
        self.finalize_through(|ch| ch.panes.keys().next_back().copied(), None);
        if let Some(max_end) = self.channels.values().map(|c| c.stream.last_seen.0).max() {
            self.watermark
                .force(max_end.saturating_add(self.cfg.window_ms));
        }
        for ch in self.channels.values_mut() {
            ch.stream_dirty = false;
            self.out.push(Output::Stream(ch.stream.clone()));
        }
    }

    /// Emits the running values of every open window that changed since the last call,
    /// and channel states whose `last_seen` moved. Call about once a second.
    pub fn emit_running(&mut self) {
        let k = self.spec.panes_per_window();
        for (id, ch) in self.channels.iter_mut() {
            if let (Some(dirty), Some(&newest)) =
                (ch.dirty_from.take(), ch.panes.keys().next_back())
            {
                let from = ch
                    .next_final
                    .map_or(dirty - k + 1, |n| n.max(dirty - k + 1));
                for q in from..=newest {
                    if ch.panes.range(q..q + k).next().is_none() {
                        continue;
                    }
                    let end = self.spec.window_end(q);
                    let panes = ch.panes.range(q..q + k).map(|(_, p)| p);
                    let w = merge_window(id, self.spec.pane_start(q), end, panes, false);
                    self.out.push(Output::Window(w));
                }
            }
            if ch.stream_dirty {
                ch.stream_dirty = false;
                self.out.push(Output::Stream(ch.stream.clone()));
            }
        }
    }

    /// Takes what has been produced so far.
    pub fn drain(&mut self) -> Vec<Output> {
        // The next batch starts with room for as many outputs as this one had: an
        // output is hundreds of bytes, and growing from empty again copies them all
        // several times over.
        let room = self.out.len();
        std::mem::replace(&mut self.out, Vec::with_capacity(room))
    }

    /// The current watermark (ms), once any event has been seen.
    pub fn watermark(&self) -> Option<i64> {
        self.watermark.current()
    }

    /// Counters.
    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// The engine's whole state, for a checkpoint: windows in progress, corrections
    /// panes, watermark progress, moment baselines, lifecycle state and counters.
    /// Take it after draining the outputs (they belong to the same checkpoint).
    pub fn snapshot(&self) -> Vec<u8> {
        debug_assert!(
            self.out.is_empty(),
            "outputs must be drained before a snapshot"
        );
        let snapshot = SnapshotRef {
            version: SNAPSHOT_VERSION,
            window_ms: self.cfg.window_ms,
            slide_ms: self.cfg.slide_ms,
            watermark: &self.watermark,
            channels: &self.channels,
            stats: &self.stats,
        };
        postcard::to_stdvec(&snapshot).expect("engine state serializes")
    }

    /// An engine with the settings `cfg` that carries on from a [`Engine::snapshot`]
    /// taken before a restart at wall time `now_ms`. The window shape must be the one
    /// the snapshot was taken with; other settings may change between runs.
    pub fn restore(cfg: EngineConfig, snapshot: &[u8], now_ms: i64) -> Result<Self, RestoreError> {
        let mut engine = Self::new(cfg)?;
        let saved: SnapshotOwned = postcard::from_bytes(snapshot)?;
        if saved.version != SNAPSHOT_VERSION {
            return Err(RestoreError::Version(saved.version));
        }
        if (saved.window_ms, saved.slide_ms) != (engine.cfg.window_ms, engine.cfg.slide_ms) {
            return Err(RestoreError::WindowChanged {
                saved: (saved.window_ms, saved.slide_ms),
                now: (engine.cfg.window_ms, engine.cfg.slide_ms),
            });
        }
        engine.watermark = saved.watermark;
        engine.watermark.resume(now_ms);
        engine.channels = saved.channels;
        engine.stats = saved.stats;
        Ok(engine)
    }

    /// Panes held in memory across channels (bounded by the open windows).
    pub fn open_panes(&self) -> usize {
        self.channels.values().map(|c| c.panes.len()).sum()
    }

    /// Finalizes, per channel, every window starting at or before the pane `last(ch)`.
    /// `wm` is the watermark that made them final (`None` at the end of input, when
    /// nothing can correct them any more).
    fn finalize_through(&mut self, last: impl Fn(&ChannelState) -> Option<i64>, wm: Option<i64>) {
        let k = self.spec.panes_per_window();
        // Panes a correction within the horizon may still need.
        let keep_from = match (self.cfg.late_policy, wm) {
            (LatePolicy::Correct, Some(wm)) => Some(
                self.spec
                    .pane_of(wm.saturating_sub(self.cfg.correction_horizon_ms))
                    - k
                    + 1,
            ),
            _ => None,
        };
        for (id, ch) in self.channels.iter_mut() {
            let (Some(last), Some(&first)) = (last(ch), ch.panes.keys().next()) else {
                continue;
            };
            let mut q = ch.next_final.unwrap_or(first - k + 1).max(first - k + 1);
            while q <= last {
                if ch.panes.range(q..q + k).next().is_none() {
                    // No data in this window: jump to the first window holding the next pane.
                    // Never past `last + 1`: panes after it may still receive events.
                    q = match ch.panes.range(q + k..).next() {
                        Some((&p, _)) => (p - k + 1).min(last + 1),
                        None => last + 1,
                    };
                    continue;
                }
                let end = self.spec.window_end(q);
                let mut sliding = Sliding::for_window(ch.sliding.take(), q);
                sliding.extend_to(&ch.panes, q + k);
                let panes = ch.panes.range(q..q + k).map(|(_, p)| p);
                let start = self.spec.pane_start(q);
                let w = window_with_chat(id, start, end, panes, &sliding.chat, true);
                sliding.leave_first(&ch.panes);
                ch.sliding = Some(sliding);
                if is_complete(&w, ch.first_event_ms) {
                    for m in ch
                        .detector
                        .observe(&self.cfg.moments, &w, self.spec.slide_ms)
                    {
                        self.out.push(Output::Moment(m));
                        self.stats.moments += 1;
                    }
                }
                self.out.push(Output::Window(w));
                self.stats.final_windows += 1;
                q += 1;
            }
            // Windows up to `last` are final whether or not they held data (an event
            // for them would be late), but no further: a window after `last` that was
            // empty so far may still receive an earlier event than any seen.
            let next = q.min(last + 1);
            let next = ch.next_final.map_or(next, |n| n.max(next));
            ch.next_final = Some(next);
            // Every window containing a pane before `next` is final: unless a correction
            // may still need it, the pane is done.
            let keep = keep_from.map_or(next, |h| h.min(next));
            // Popped from the front: `split_off` would move every kept pane instead.
            while let Some(oldest) = ch.panes.first_entry() {
                if *oldest.key() >= keep {
                    break;
                }
                oldest.remove();
            }
        }
    }
}
