//! The event generator: a deterministic, infinite sequence of timed events.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal, Normal, Zipf};
use telemetra_types::{
    ChannelId, ChatMessage, Event, ModerationAction, RoomSettings, StreamEventType, StreamMeta,
    Timestamp, Transaction, TransactionType, ViewerCount,
};

use crate::text::{self, EMOTES, HYPE_EMOTES, NEGATIVE, NEUTRAL, POSITIVE};
use crate::{Episode, EpisodeKind};

/// How often each channel reports its viewer count.
const VIEWER_SAMPLE_MS: i64 = 5_000;
/// Share of the random events that are chat messages (the rest are money).
const CHAT_SHARE: f64 = 0.97;

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Number of channels.
    pub channels: usize,
    /// Mean events per second across all channels, outside episodes.
    pub rate: f64,
    /// Seed: the same seed gives the same events.
    pub seed: u64,
    /// Event time of the first event.
    pub start: Timestamp,
    /// Size of the chatter population.
    pub users: u64,
    /// Offset from `start` of the first raid; the first chat burst follows it.
    pub first_episode_ms: i64,
    /// Time between episodes (they alternate between raids and chat bursts).
    pub episode_every_ms: i64,
    /// How long a chat burst lasts.
    pub burst_ms: i64,
    /// Largest delay of an event's timestamp behind its emission (out-of-order input).
    pub max_jitter_ms: i64,
}

impl Default for GenConfig {
    fn default() -> Self {
        Self::for_window(60_000, 10_000)
    }
}

impl GenConfig {
    /// Episode timing scaled to the engine's window so that each episode comes after
    /// enough complete windows for a baseline, and within about three window lengths.
    pub fn for_window(window_ms: i64, slide_ms: i64) -> Self {
        Self {
            channels: 10,
            rate: 300.0,
            seed: 42,
            start: Timestamp::parse("2025-10-16T10:00:00Z").expect("valid constant"),
            users: 20_000,
            first_episode_ms: window_ms,
            episode_every_ms: window_ms * 2 + slide_ms / 2,
            burst_ms: (window_ms / 3).max(slide_ms),
            max_jitter_ms: 3_000,
        }
    }
}

struct ChannelSim {
    id: ChannelId,
    weight: f64,
    base_viewers: f64,
    viewers: f64,
    next_sample: i64,
    live: bool,
}

/// A seeded, infinite stream of events in emission order.
///
/// Emission times never decrease; event timestamps may lag them by up to
/// `max_jitter_ms`, like real producers whose clocks and queues differ.
pub struct Generator {
    cfg: GenConfig,
    rng: ChaCha8Rng,
    channels: Vec<ChannelSim>,
    total_weight: f64,
    user_zipf: Zipf<f64>,
    clock: i64,
    /// The arrival clock with its fraction of a millisecond: rounding each gap to whole
    /// milliseconds would shorten gaps shorter than 0.5 ms to nothing, and so make the
    /// rate depend on itself (a burst on one channel would speed up all the others).
    arrivals_ms: f64,
    seq: u64,
    pending: VecDeque<(i64, Event)>,
    episodes: Vec<Episode>,
    next_episode: i64,
    episode_index: usize,
    /// Moderation draws from its own generator, so that adding it left every other
    /// event of a seed as it was.
    moderation_rng: ChaCha8Rng,
    /// Moderator actions waiting for their time, in time order.
    moderation_due: VecDeque<(i64, Event)>,
}

/// Share of chat messages a moderator deletes, times the user out for, or bans for.
const DELETE_SHARE: f64 = 0.0025;
const TIMEOUT_SHARE: f64 = 0.0012;
const BAN_SHARE: f64 = 0.0003;
/// How long after a message its moderator acts.
const MODERATION_DELAY_MS: i64 = 2_000;

impl Generator {
    /// Builds a generator; it opens with a `stream_start` for every channel.
    pub fn new(cfg: GenConfig) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
        let cfg_seed = cfg.seed;
        let n = cfg.channels.max(1);
        let channels: Vec<ChannelSim> = (0..n)
            .map(|i| {
                // Zipf-like popularity: channel i gets weight 1/(i+1).
                let weight = 1.0 / (i as f64 + 1.0);
                let base = 25_000.0 * weight * rng.random_range(0.8..1.2);
                ChannelSim {
                    id: ChannelId::parse(&text::channel_name(i))
                        .expect("generated names are valid"),
                    weight,
                    base_viewers: base,
                    viewers: base,
                    next_sample: cfg.start.0 + (i as i64 * VIEWER_SAMPLE_MS) / n as i64,
                    live: true,
                }
            })
            .collect();
        let total_weight = channels.iter().map(|c| c.weight).sum();
        let user_zipf =
            Zipf::new(cfg.users.max(1) as f64, 1.1).expect("users >= 1 and exponent > 0");
        let mut g = Self {
            clock: cfg.start.0,
            arrivals_ms: cfg.start.0 as f64,
            next_episode: cfg.start.0 + cfg.first_episode_ms,
            cfg,
            rng,
            channels,
            total_weight,
            user_zipf,
            seq: 0,
            pending: VecDeque::new(),
            episodes: Vec::new(),
            episode_index: 0,
            moderation_rng: ChaCha8Rng::seed_from_u64(cfg_seed ^ 0x6d6f_6465_7261_7465),
            moderation_due: VecDeque::new(),
        };
        for i in 0..g.channels.len() {
            let title = g.pick(text::TITLES).to_owned();
            let category = g.pick(text::CATEGORIES).to_owned();
            let event = g.stream_meta(i, StreamEventType::StreamStart, Some(title), Some(category));
            g.pending.push_back((g.clock, event));
            let room = g.room_state(i);
            g.pending.push_back((g.clock, room));
        }
        g
    }

    /// The configuration.
    pub fn config(&self) -> &GenConfig {
        &self.cfg
    }

    /// Episodes scheduled so far (each is recorded when its first event is generated).
    pub fn episodes(&self) -> &[Episode] {
        &self.episodes
    }

    /// The next event and its emission time (ms since the epoch).
    pub fn next_timed(&mut self) -> (i64, Event) {
        loop {
            if let Some(next) = self.pending.pop_front() {
                return next;
            }
            self.step();
        }
    }

    /// `stream_end` events closing every channel at the current time.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        for i in 0..self.channels.len() {
            if self.channels[i].live {
                self.channels[i].live = false;
                out.push(self.stream_meta(i, StreamEventType::StreamEnd, None, None));
            }
        }
        out
    }

    /// Advances the clock by one random arrival and queues what is due by then.
    fn step(&mut self) {
        let burst = self.active_burst(self.clock);
        let burst_rate = burst.map(|(_, rate)| rate).unwrap_or(0.0);
        let total_rate = self.cfg.rate.max(0.001) + burst_rate;
        let dt = Exp::new(total_rate)
            .expect("rate > 0")
            .sample(&mut self.rng);
        self.arrivals_ms += dt * 1000.0;
        let next_clock = (self.arrivals_ms.floor() as i64).max(self.clock);

        self.queue_due(next_clock);
        self.clock = next_clock;

        let event = match burst {
            Some((channel, rate)) if self.rng.random::<f64>() < rate / total_rate => {
                self.chat(channel, true)
            }
            _ => {
                let channel = self.pick_channel();
                if self.rng.random::<f64>() < CHAT_SHARE {
                    self.chat(channel, false)
                } else {
                    self.transaction(channel)
                }
            }
        };
        let jitter = self.jitter();
        let event = with_timestamp(event, Timestamp(self.clock - jitter));
        if let Event::Chat(m) = &event {
            self.maybe_moderate(m);
        }
        self.pending.push_back((self.clock, event));
    }

    /// Now and then a moderator deletes a message or removes its author, a little later.
    fn maybe_moderate(&mut self, m: &ChatMessage) {
        let roll = self.moderation_rng.random::<f64>();
        let (action, duration_s) = if roll < BAN_SHARE {
            (ModerationAction::Ban, None)
        } else if roll < BAN_SHARE + TIMEOUT_SHARE {
            let seconds = [60, 600, 3_600][self.moderation_rng.random_range(0..3)];
            (ModerationAction::Timeout, Some(seconds))
        } else if roll < BAN_SHARE + TIMEOUT_SHARE + DELETE_SHARE {
            (ModerationAction::Delete, None)
        } else {
            return;
        };
        let due = self.clock + MODERATION_DELAY_MS;
        let event = Event::StreamMeta(StreamMeta {
            action: Some(action),
            target_user: Some(m.username.clone()),
            duration_s,
            ..StreamMeta::new(
                format!("mod-{}", m.message_id),
                m.channel.clone(),
                StreamEventType::Moderation,
                Timestamp(due),
            )
        });
        self.moderation_due.push_back((due, event));
    }

    /// The chat room's modes as a channel goes live: most channels have none on.
    fn room_state(&mut self, channel: usize) -> Event {
        let rng = &mut self.moderation_rng;
        let room = RoomSettings {
            emote_only: Some(false),
            subs_only: Some(rng.random::<f64>() < 0.05),
            followers_only_minutes: Some(if rng.random::<f64>() < 0.2 { 10 } else { -1 }),
            slow_seconds: Some(if rng.random::<f64>() < 0.3 { 30 } else { 0 }),
            unique_chat: Some(false),
        };
        Event::StreamMeta(StreamMeta {
            room_state: Some(room),
            ..StreamMeta::new(
                format!("room-{:x}-{channel}", self.cfg.seed),
                self.channels[channel].id.clone(),
                StreamEventType::RoomState,
                Timestamp(self.clock),
            )
        })
    }

    /// Queues viewer samples, moderator actions and episode events due before `until`, in
    /// time order.
    fn queue_due(&mut self, until: i64) {
        loop {
            let (idx, at) = self
                .channels
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.next_sample))
                .min_by_key(|&(_, t)| t)
                .expect("at least one channel");
            if let Some(&(moderation_at, _)) = self.moderation_due.front() {
                if moderation_at <= at.min(self.next_episode) && moderation_at < until {
                    let (due, event) = self.moderation_due.pop_front().expect("front exists");
                    self.clock = due;
                    self.pending.push_back((due, event));
                    continue;
                }
            }
            let episode_first = self.next_episode <= at;
            let due = if episode_first { self.next_episode } else { at };
            if due >= until {
                return;
            }
            self.clock = due;
            if episode_first {
                self.start_episode();
            } else {
                self.channels[idx].next_sample += VIEWER_SAMPLE_MS;
                let event = self.viewer_sample(idx);
                self.pending.push_back((due, event));
            }
        }
    }

    fn start_episode(&mut self) {
        let n = self.channels.len();
        let k = self.episode_index;
        self.episode_index += 1;
        self.next_episode += self.cfg.episode_every_ms;
        // Alternate raids and bursts, walking through the channels so each gets its turn.
        let channel = (k / 2 * 3 + k % 2) % n;
        let start = self.clock;
        if k.is_multiple_of(2) {
            let raider = text::channel_name(n + k);
            let viewers = self.rng.random_range(300..3_000u64);
            self.channels[channel].viewers += viewers as f64;
            let mut event = self.stream_meta(channel, StreamEventType::RaidIncoming, None, None);
            if let Event::StreamMeta(m) = &mut event {
                m.raider = Some(raider);
                m.raid_viewers = Some(viewers);
            }
            self.pending.push_back((start, event));
            self.episodes.push(Episode {
                kind: EpisodeKind::Raid,
                channel: self.channels[channel].id.clone(),
                start: Timestamp(start),
                end: Timestamp(start + 1),
            });
        } else {
            self.episodes.push(Episode {
                kind: EpisodeKind::ChatBurst,
                channel: self.channels[channel].id.clone(),
                start: Timestamp(start),
                end: Timestamp(start + self.cfg.burst_ms),
            });
        }
    }

    /// The burst in progress at `t`, as (channel index, extra chat messages per second).
    fn active_burst(&self, t: i64) -> Option<(usize, f64)> {
        let e = self
            .episodes
            .last()
            .filter(|e| e.kind == EpisodeKind::ChatBurst && e.contains(t))?;
        let idx = self.channels.iter().position(|c| c.id == e.channel)?;
        let usual = self.cfg.rate * CHAT_SHARE * self.channels[idx].weight / self.total_weight;
        Some((idx, (usual * 4.0).max(5.0)))
    }

    fn pick_channel(&mut self) -> usize {
        let mut x = self.rng.random::<f64>() * self.total_weight;
        for (i, c) in self.channels.iter().enumerate() {
            if x < c.weight {
                return i;
            }
            x -= c.weight;
        }
        self.channels.len() - 1
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.rng.random_range(0..items.len())]
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}-{:x}-{:08}", self.cfg.seed, self.seq)
    }

    fn jitter(&mut self) -> i64 {
        let max = self.cfg.max_jitter_ms.max(0);
        if max == 0 {
            return 0;
        }
        if self.rng.random::<f64>() < 0.9 {
            self.rng.random_range(0..=max.min(250))
        } else {
            self.rng.random_range(0..=max)
        }
    }

    fn chat(&mut self, channel: usize, hyped: bool) -> Event {
        // Each channel has its own audience: shift the Zipf rank by the channel.
        let rank = self.user_zipf.sample(&mut self.rng) as u64;
        let user = text::username((rank + channel as u64 * 7_919) % self.cfg.users.max(1));
        let mut words: Vec<String> = Vec::new();
        let mut emotes: Vec<String> = Vec::new();
        let mood = self.rng.random::<f64>();
        let n_words = self.rng.random_range(1..6);
        for _ in 0..n_words {
            words.push(self.pick(NEUTRAL).to_owned());
        }
        if hyped || mood < 0.3 {
            words.push(self.pick(POSITIVE).to_owned());
        } else if mood > 0.85 {
            words.push(self.pick(NEGATIVE).to_owned());
        }
        let n_emotes = if hyped {
            self.rng.random_range(1..4)
        } else {
            self.rng.random_range(0..3)
        };
        for _ in 0..n_emotes {
            let emote = if hyped {
                self.pick(HYPE_EMOTES)
            } else {
                self.pick(EMOTES)
            }
            .to_owned();
            words.push(emote.clone());
            emotes.push(emote);
        }
        if hyped && self.rng.random::<f64>() < 0.5 {
            words = words.into_iter().map(|w| w.to_uppercase()).collect();
            // Upper-casing must not change the emote list: names are case-sensitive.
            words.extend(emotes.iter().cloned());
        }
        Event::Chat(ChatMessage {
            message_id: self.next_id("msg"),
            channel: self.channels[channel].id.clone(),
            username: user,
            message: words.join(" "),
            timestamp: Timestamp(self.clock),
            emotes: if emotes.is_empty() {
                None
            } else {
                Some(emotes)
            },
            badges: None,
            sentiment_hint: None,
            bits: None,
        })
    }

    fn transaction(&mut self, channel: usize) -> Event {
        let roll = self.rng.random::<f64>();
        let (transaction_type, amount, tier, count) = if roll < 0.4 {
            let bits = self.rng.random_range(1..50u64) * 100;
            (TransactionType::Bits, bits as f64 / 100.0, None, None)
        } else if roll < 0.7 {
            let (tier, price) = *[("1000", 4.99), ("2000", 9.99), ("3000", 24.99)]
                .get(if self.rng.random::<f64>() < 0.85 {
                    0
                } else {
                    self.rng.random_range(1..3)
                })
                .expect("index in range");
            (
                TransactionType::Subscription,
                price,
                Some(serde_json::Value::from(tier)),
                None,
            )
        } else if roll < 0.9 {
            let dollars: f64 = LogNormal::new(2.5, 0.9)
                .expect("valid")
                .sample(&mut self.rng);
            (
                TransactionType::Donation,
                (dollars.min(500.0) * 100.0).round() / 100.0,
                None,
                None,
            )
        } else {
            let n = self.rng.random_range(1..11u64);
            (
                TransactionType::GiftSub,
                (n as f64 * 499.0).round() / 100.0,
                Some(serde_json::Value::from("1000")),
                Some(n),
            )
        };
        let rank = self.user_zipf.sample(&mut self.rng) as u64;
        Event::Transaction(Transaction {
            transaction_id: self.next_id("txn"),
            channel: self.channels[channel].id.clone(),
            transaction_type,
            amount,
            timestamp: Timestamp(self.clock),
            currency: Some("USD".into()),
            username: Some(text::username(rank % self.cfg.users.max(1))),
            tier,
            count,
        })
    }

    fn viewer_sample(&mut self, channel: usize) -> Event {
        let noise: f64 = Normal::new(0.0, 0.02).expect("valid").sample(&mut self.rng);
        let c = &mut self.channels[channel];
        // Random walk with mean reversion, so raids decay back to the usual audience.
        c.viewers = (c.viewers * noise.exp() + 0.05 * (c.base_viewers - c.viewers)).max(0.0);
        let viewers = c.viewers.round() as u64;
        let chatters = (c.viewers * 0.1).round() as u64;
        Event::Viewer(ViewerCount {
            event_id: self.next_id("view"),
            channel: self.channels[channel].id.clone(),
            viewer_count: viewers,
            timestamp: Timestamp(self.clock),
            chatter_count: Some(chatters),
        })
    }

    fn stream_meta(
        &mut self,
        channel: usize,
        event_type: StreamEventType,
        title: Option<String>,
        category: Option<String>,
    ) -> Event {
        Event::StreamMeta(StreamMeta {
            title,
            category,
            ..StreamMeta::new(
                self.next_id("meta"),
                self.channels[channel].id.clone(),
                event_type,
                Timestamp(self.clock),
            )
        })
    }
}

impl Iterator for Generator {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        Some(self.next_timed().1)
    }
}

fn with_timestamp(mut event: Event, t: Timestamp) -> Event {
    match &mut event {
        Event::Chat(e) => e.timestamp = t,
        Event::Viewer(e) => e.timestamp = t,
        Event::Transaction(e) => e.timestamp = t,
        Event::StreamMeta(e) => e.timestamp = t,
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetra_types::{decode_line, EventKind};

    fn take(cfg: GenConfig, n: usize) -> Vec<Event> {
        Generator::new(cfg).take(n).collect()
    }

    #[test]
    fn same_seed_same_events() {
        assert_eq!(
            take(GenConfig::default(), 3_000),
            take(GenConfig::default(), 3_000)
        );
        let other = GenConfig {
            seed: 7,
            ..GenConfig::default()
        };
        assert_ne!(take(GenConfig::default(), 3_000), take(other, 3_000));
    }

    #[test]
    fn every_event_is_valid_on_the_wire() {
        for event in take(GenConfig::default(), 20_000) {
            let line = event.to_json_line();
            assert_eq!(decode_line(line.as_bytes()).unwrap(), event, "{line}");
        }
    }

    #[test]
    fn emission_is_ordered_and_jitter_bounded() {
        let cfg = GenConfig::default();
        let mut g = Generator::new(cfg.clone());
        let mut last = i64::MIN;
        for _ in 0..20_000 {
            let (at, e) = g.next_timed();
            assert!(at >= last);
            assert!(e.timestamp().0 <= at && at - e.timestamp().0 <= cfg.max_jitter_ms);
            last = at;
        }
    }

    #[test]
    fn moderators_act_on_real_messages_and_rooms_report_their_modes() {
        let cfg = GenConfig::default();
        let mut g = Generator::new(cfg.clone());
        let events: Vec<Event> = (0..100_000).map(|_| g.next_timed().1).collect();
        let chats: std::collections::HashMap<&str, &ChatMessage> = events
            .iter()
            .filter_map(|e| match e {
                Event::Chat(m) => Some((m.message_id.as_str(), m)),
                _ => None,
            })
            .collect();
        let actions: Vec<&StreamMeta> = events
            .iter()
            .filter_map(|e| match e {
                Event::StreamMeta(m) if m.event_type == StreamEventType::Moderation => Some(m),
                _ => None,
            })
            .collect();
        let share = actions.len() as f64 / chats.len() as f64;
        assert!((0.002..0.007).contains(&share), "moderation share {share}");
        for a in &actions {
            let id = a
                .event_id
                .strip_prefix("mod-")
                .expect("named after the message");
            let m = chats[id];
            assert_eq!(a.target_user.as_ref(), Some(&m.username));
            assert_eq!(a.channel, m.channel);
            assert!(a.timestamp.0 - m.timestamp.0 >= MODERATION_DELAY_MS);
            assert_eq!(
                a.duration_s.is_some(),
                a.action == Some(ModerationAction::Timeout)
            );
        }
        let rooms = events
            .iter()
            .filter(
                |e| matches!(e, Event::StreamMeta(m) if m.event_type == StreamEventType::RoomState),
            )
            .count();
        assert_eq!(
            rooms, cfg.channels,
            "one room state per channel as it goes live"
        );
    }

    #[test]
    fn mix_rate_and_popularity_look_like_live_streams() {
        let cfg = GenConfig::default();
        let mut g = Generator::new(cfg.clone());
        let events: Vec<(i64, Event)> = (0..60_000).map(|_| g.next_timed()).collect();
        let span_s = (events.last().unwrap().0 - cfg.start.0) as f64 / 1000.0;
        let rate = events.len() as f64 / span_s;
        assert!((250.0..400.0).contains(&rate), "rate {rate}");
        let count = |k: EventKind| events.iter().filter(|(_, e)| e.kind() == k).count();
        assert!(count(EventKind::Chat) > 50_000);
        assert!(count(EventKind::Viewer) >= 10 * (span_s as usize / 5) - 10);
        assert!(count(EventKind::Transaction) > 500);
        let top = events
            .iter()
            .filter(|(_, e)| e.channel().as_str() == "pixelqueen")
            .count();
        let tail = events
            .iter()
            .filter(|(_, e)| e.channel().as_str() == "ranked_rae")
            .count();
        assert_eq!(tail, 0, "only 10 channels by default");
        let last = events
            .iter()
            .filter(|(_, e)| e.channel().as_str() == "bytebard")
            .count();
        assert!(top > 5 * last, "popularity is skewed: {top} vs {last}");
    }

    #[test]
    fn episodes_are_recorded_and_played() {
        let cfg = GenConfig::default();
        let mut g = Generator::new(cfg.clone());
        let events: Vec<Event> = (0..120_000).map(|_| g.next_timed().1).collect();
        let episodes = g.episodes().to_vec();
        assert!(episodes.len() >= 3, "{episodes:?}");
        assert_eq!(episodes[0].kind, EpisodeKind::Raid);
        assert_eq!(episodes[0].start.0, cfg.start.0 + cfg.first_episode_ms);
        let raids = events
            .iter()
            .filter(|e| matches!(e, Event::StreamMeta(m) if m.event_type == StreamEventType::RaidIncoming))
            .count();
        assert_eq!(
            raids,
            episodes
                .iter()
                .filter(|e| e.kind == EpisodeKind::Raid)
                .count()
        );
        // During a burst the channel chats several times faster than before it.
        let burst = &episodes[1];
        let chats_in = |from: i64, to: i64| {
            events
                .iter()
                .filter(|e| e.kind() == EventKind::Chat && e.channel() == &burst.channel)
                .filter(|e| (from..to).contains(&(e.timestamp().0)))
                .count() as f64
        };
        let len = burst.end.0 - burst.start.0;
        let during = chats_in(burst.start.0 + 3_000, burst.end.0);
        let before = chats_in(burst.start.0 - len, burst.start.0 - 3_000);
        assert!(during > 3.0 * before, "burst {during} vs before {before}");
    }
}
