//! A naive reference engine, and property tests of the real one against it.
//!
//! The reference keeps every accepted event and recomputes each window from scratch:
//! no panes, no incremental state, no pruning. It shares with the engine only the
//! *rules* (which events a watermark accepts), simulated the simple way, so a bug in
//! panes, finalization, pruning or corrections shows up as a difference.

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;
use telemetra_types::{
    ChannelId, ChatMessage, Event, ModerationAction, StreamEventType, StreamMeta, Timestamp,
    Transaction, TransactionType, ViewerCount, WindowMetrics,
};

use crate::{Engine, EngineConfig, LatePolicy, Output, Sentiment, SentimentClass, SentimentModel};

const NOW: i64 = 2_000_000_000_000;

type Key = (ChannelId, i64);

/// The reference: which events count, then every window recomputed from them.
fn reference(cfg: &EngineConfig, batches: &[Vec<(u32, Event)>]) -> BTreeMap<Key, WindowMetrics> {
    let mut max_by_partition: HashMap<u32, i64> = HashMap::new();
    let mut watermark: Option<i64> = None;
    let mut accepted: Vec<&Event> = Vec::new();
    let mut counted: HashSet<(telemetra_types::EventKind, &str)> = HashSet::new();
    for batch in batches {
        for (partition, event) in batch {
            let t = event.timestamp().0;
            let max = max_by_partition.entry(*partition).or_insert(t);
            *max = (*max).max(t);
            let counts = match watermark {
                Some(wm) if t < wm => {
                    cfg.late_policy == LatePolicy::Correct && t >= wm - cfg.correction_horizon_ms
                }
                _ => true,
            };
            // An event counts at most once, however often it is delivered.
            if counts && counted.insert((event.kind(), event.id())) {
                accepted.push(event);
            }
        }
        // The watermark moves once per batch, as the processors advance it.
        if let Some(min) = max_by_partition.values().min() {
            let candidate = min - cfg.lateness_ms;
            watermark = Some(watermark.map_or(candidate, |w| w.max(candidate)));
        }
    }
    let mut starts: BTreeMap<Key, ()> = BTreeMap::new();
    for e in &accepted {
        if matches!(e, Event::StreamMeta(m) if m.event_type != StreamEventType::Moderation) {
            continue;
        }
        let t = e.timestamp().0;
        let mut s = t.div_euclid(cfg.slide_ms) * cfg.slide_ms;
        while s > t - cfg.window_ms {
            starts.insert((e.channel().clone(), s), ());
            s -= cfg.slide_ms;
        }
    }
    starts
        .into_keys()
        .map(|(channel, start)| {
            let end = start + cfg.window_ms;
            let inside: Vec<&Event> = accepted
                .iter()
                .copied()
                .filter(|e| e.channel() == &channel && (start..end).contains(&e.timestamp().0))
                .collect();
            (
                (channel.clone(), start),
                naive_window(&channel, start, end, &inside),
            )
        })
        .collect()
}

fn naive_window(channel: &ChannelId, start: i64, end: i64, events: &[&Event]) -> WindowMetrics {
    let mut w = WindowMetrics::empty(channel.clone(), Timestamp(start), Timestamp(end), true);
    let chats: Vec<&ChatMessage> = events
        .iter()
        .filter_map(|e| {
            if let Event::Chat(m) = e {
                Some(m)
            } else {
                None
            }
        })
        .collect();
    w.message_count = chats.len() as u64;
    if !chats.is_empty() {
        static MODEL: std::sync::OnceLock<SentimentModel> = std::sync::OnceLock::new();
        let model = MODEL.get_or_init(SentimentModel::new);
        let scores: Vec<Sentiment> = chats.iter().map(|m| model.score(&m.message)).collect();
        let scaled: i64 = scores
            .iter()
            .map(|s| (s.compound * 10_000.0).round() as i64)
            .sum();
        let mean = scaled as f64 / scores.len() as f64 / 10_000.0;
        w.sentiment_score = Some((mean * 10_000.0).round() / 10_000.0);
        let class = |c: SentimentClass| scores.iter().filter(|s| s.class == c).count() as u64;
        w.positive_count = class(SentimentClass::Positive);
        w.neutral_count = class(SentimentClass::Neutral);
        w.negative_count = class(SentimentClass::Negative);
    }
    w.messages_per_min = chats.len() as f64 * 60_000.0 / (end - start) as f64;
    w.unique_chatters = chats
        .iter()
        .map(|m| &m.username)
        .collect::<HashSet<_>>()
        .len() as u64;
    let emotes: Vec<&String> = chats
        .iter()
        .flat_map(|m| m.emotes.iter().flatten())
        .collect();
    w.emote_count = emotes.len() as u64;
    let top = |names: Vec<&String>| {
        let mut counts: HashMap<&String, u64> = HashMap::new();
        for n in names {
            *counts.entry(n).or_default() += 1;
        }
        let mut list: Vec<(&String, u64)> = counts.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        list.truncate(10);
        list.into_iter()
            .map(|(name, count)| telemetra_types::CountEntry {
                name: name.clone(),
                count,
            })
            .collect()
    };
    w.top_emotes = top(emotes);
    w.top_chatters = top(chats.iter().map(|m| &m.username).collect());
    let viewers: Vec<&ViewerCount> = events
        .iter()
        .filter_map(|e| {
            if let Event::Viewer(v) = e {
                Some(v)
            } else {
                None
            }
        })
        .collect();
    if !viewers.is_empty() {
        let last = viewers
            .iter()
            .max_by_key(|v| (v.timestamp, v.event_id.clone()))
            .expect("not empty");
        w.viewer_last = Some(last.viewer_count);
        w.viewer_min = viewers.iter().map(|v| v.viewer_count).min();
        w.viewer_max = viewers.iter().map(|v| v.viewer_count).max();
        w.viewer_avg =
            Some(viewers.iter().map(|v| v.viewer_count as f64).sum::<f64>() / viewers.len() as f64);
    }
    let money: Vec<&Transaction> = events
        .iter()
        .filter_map(|e| {
            if let Event::Transaction(t) = e {
                Some(t)
            } else {
                None
            }
        })
        .collect();
    w.transaction_count = money.len() as u64;
    let cents: i64 = money
        .iter()
        .map(|t| (t.amount * 100.0).round() as i64)
        .sum();
    w.transaction_amount = cents as f64 / 100.0;
    w.money_by_type = TransactionType::ALL
        .iter()
        .filter_map(|ty| {
            let of: Vec<&&Transaction> =
                money.iter().filter(|t| t.transaction_type == *ty).collect();
            (!of.is_empty()).then(|| telemetra_types::MoneyByType {
                transaction_type: *ty,
                count: of.len() as u64,
                total: of
                    .iter()
                    .map(|t| (t.amount * 100.0).round() as i64)
                    .sum::<i64>() as f64
                    / 100.0,
            })
        })
        .collect();
    for e in events {
        if let Event::StreamMeta(m) = e {
            match m.action {
                Some(ModerationAction::Timeout) => w.moderation.timeouts += 1,
                Some(ModerationAction::Ban) => w.moderation.bans += 1,
                Some(ModerationAction::Clear) => w.moderation.clears += 1,
                Some(ModerationAction::Delete) => w.moderation.deletions += 1,
                None => {}
            }
        }
    }
    w
}

/// The engine's last word on every window.
fn engine_finals(
    cfg: &EngineConfig,
    batches: &[Vec<(u32, Event)>],
) -> BTreeMap<Key, WindowMetrics> {
    let mut engine = Engine::new(cfg.clone()).expect("valid config");
    let mut finals = BTreeMap::new();
    let mut collect = |outputs: Vec<Output>| {
        for o in outputs {
            if let Output::Window(w) = o {
                assert!(w.is_final, "only final windows without emit_running");
                finals.insert((w.stream_id.clone(), w.window_start.0), w);
            }
        }
    };
    for batch in batches {
        for (partition, event) in batch {
            engine.process(*partition, event, NOW);
        }
        engine.advance(NOW);
        collect(engine.drain());
    }
    engine.close_all();
    collect(engine.drain());
    finals
}

/// (partition, time offset, channel, user, kind, emotes, amount or viewers)
type RawEvent = (u32, i64, u8, u8, u8, Vec<u8>, u64);

fn event_strategy() -> impl Strategy<Value = RawEvent> {
    (
        0u32..3,
        0i64..300_000,
        0u8..4,
        0u8..12,
        0u8..12,
        prop::collection::vec(0u8..5, 0..4),
        0u64..5_000,
    )
}

fn build(raw: Vec<RawEvent>, disorder: i64) -> Vec<(u32, Event)> {
    const EMOTES: [&str; 5] = ["Kappa", "PogChamp", "LUL", "KEKW", "BibleThump"];
    // Arrival order: mostly by time, each event displaced by up to `disorder`.
    let mut keyed: Vec<(i64, usize, u32, Event)> = raw
        .into_iter()
        .enumerate()
        .map(
            |(i, (partition, offset, channel, user, kind, emotes, amount))| {
                let t = 1_700_000_000_000 + offset;
                let channel = ChannelId::parse(&format!("ch{channel}")).expect("valid");
                let event = match kind {
                    0..=6 => Event::Chat(ChatMessage {
                        message_id: format!("m{i}"),
                        channel,
                        username: format!("user{user}"),
                        message: [
                            "hi",
                            "this is amazing PogChamp",
                            "so boring ResidentSleeper",
                            "not bad",
                            "WHAT A PLAY",
                        ][usize::from(user) % 5]
                            .into(),
                        timestamp: Timestamp(t),
                        emotes: (!emotes.is_empty()).then(|| {
                            emotes
                                .iter()
                                .map(|e| EMOTES[*e as usize].to_owned())
                                .collect()
                        }),
                        badges: None,
                        sentiment_hint: None,
                        bits: None,
                    }),
                    7 | 8 => Event::Viewer(ViewerCount {
                        event_id: format!("v{i}"),
                        channel,
                        viewer_count: amount,
                        timestamp: Timestamp(t),
                        chatter_count: None,
                    }),
                    10 => Event::StreamMeta(StreamMeta {
                        action: Some(ModerationAction::ALL[(amount % 4) as usize]),
                        target_user: Some(format!("user{user}")),
                        ..StreamMeta::new(
                            format!("mod{i}"),
                            channel,
                            StreamEventType::Moderation,
                            Timestamp(t),
                        )
                    }),
                    // Lifecycle events must not open windows.
                    11 => Event::StreamMeta(StreamMeta {
                        title: Some(format!("title {amount}")),
                        ..StreamMeta::new(
                            format!("s{i}"),
                            channel,
                            StreamEventType::TitleChange,
                            Timestamp(t),
                        )
                    }),
                    _ => Event::Transaction(Transaction {
                        transaction_id: format!("t{i}"),
                        channel,
                        transaction_type: TransactionType::ALL[(amount % 4) as usize],
                        amount: amount as f64 / 100.0,
                        timestamp: Timestamp(t),
                        currency: None,
                        username: None,
                        tier: None,
                        count: None,
                    }),
                };
                let arrival = offset + (i as i64 * 7_919) % (disorder + 1);
                (arrival, i, partition, event)
            },
        )
        .collect();
    // Every ninth event is delivered again a little later, as a producer retry would.
    let redelivered: Vec<_> = keyed
        .iter()
        .filter(|(_, i, _, _)| i % 9 == 0)
        .map(|(arrival, i, p, e)| (arrival + (*i as i64 * 31) % 20_000, *i, *p, e.clone()))
        .collect();
    keyed.extend(redelivered);
    keyed.sort_by_key(|(arrival, i, _, _)| (*arrival, *i));
    keyed.into_iter().map(|(_, _, p, e)| (p, e)).collect()
}

fn batched(events: Vec<(u32, Event)>, size: usize) -> Vec<Vec<(u32, Event)>> {
    events.chunks(size.max(1)).map(|c| c.to_vec()).collect()
}

fn check(cfg: &EngineConfig, batches: &[Vec<(u32, Event)>]) -> Result<(), TestCaseError> {
    let expected = reference(cfg, batches);
    let actual = engine_finals(cfg, batches);
    prop_assert_eq!(expected.len(), actual.len(), "number of final windows");
    for (key, want) in &expected {
        let got = actual.get(key);
        prop_assert!(
            got == Some(want),
            "window {:?}:\n  engine    {:?}\n  reference {:?}",
            key,
            got,
            want
        );
    }
    Ok(())
}

fn config(policy: LatePolicy, window_s: i64, slide_s: i64, horizon_s: i64) -> EngineConfig {
    EngineConfig {
        window_ms: window_s * 1_000,
        slide_ms: slide_s * 1_000,
        late_policy: policy,
        correction_horizon_ms: horizon_s * 1_000,
        ..EngineConfig::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Disorder up to 40 s against 10 s of lateness: late events of every kind, some
    /// beyond a short correction horizon, on several partitions and channels.
    #[test]
    fn engine_matches_the_reference_with_corrections(
        raw in prop::collection::vec(event_strategy(), 1..400),
        disorder in 0i64..40_000,
        batch in 1usize..64,
        horizon_s in 5i64..60,
        (window_s, slide_s) in prop::sample::select(vec![(60, 10), (30, 30), (20, 5)]),
    ) {
        let cfg = config(LatePolicy::Correct, window_s, slide_s, horizon_s);
        check(&cfg, &batched(build(raw, disorder), batch))?;
    }

    #[test]
    fn engine_matches_the_reference_when_dropping_late_events(
        raw in prop::collection::vec(event_strategy(), 1..400),
        disorder in 0i64..40_000,
        batch in 1usize..64,
        (window_s, slide_s) in prop::sample::select(vec![(60, 10), (30, 30), (20, 5)]),
    ) {
        let cfg = config(LatePolicy::Drop, window_s, slide_s, 600);
        check(&cfg, &batched(build(raw, disorder), batch))?;
    }

    /// Within the allowed lateness, results do not depend on batch sizes.
    #[test]
    fn batch_size_does_not_change_results_within_lateness(
        raw in prop::collection::vec(event_strategy(), 1..300),
        disorder in 0i64..9_000,
        a in 1usize..64,
        b in 1usize..64,
    ) {
        let cfg = config(LatePolicy::Drop, 60, 10, 600);
        let events = build(raw, disorder);
        prop_assert_eq!(engine_finals(&cfg, &batched(events.clone(), a)), engine_finals(&cfg, &batched(events, b)));
    }
}
