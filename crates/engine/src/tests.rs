//! Engine behaviour end to end: events in, outputs out.

use telemetra_types::{
    ChannelId, ChatMessage, Event, MomentType, StreamEventType, StreamMeta, Timestamp, ViewerCount,
    WindowMetrics,
};

use crate::{Engine, EngineConfig, LatePolicy, Output, Verdict};

const NOW: i64 = 2_000_000_000_000; // wall clock far after the test event times

fn chat(channel: &str, user: &str, t: i64, emotes: &[&str]) -> Event {
    Event::Chat(ChatMessage {
        message_id: format!("{channel}-{user}-{t}"),
        channel: ChannelId::parse(channel).unwrap(),
        username: user.into(),
        message: "hello".into(),
        timestamp: Timestamp(t),
        emotes: (!emotes.is_empty()).then(|| emotes.iter().map(|e| e.to_string()).collect()),
        badges: None,
        sentiment_hint: None,
        bits: None,
    })
}

fn viewers(channel: &str, n: u64, t: i64) -> Event {
    Event::Viewer(ViewerCount {
        event_id: format!("v-{t}"),
        channel: ChannelId::parse(channel).unwrap(),
        viewer_count: n,
        timestamp: Timestamp(t),
        chatter_count: None,
    })
}

fn final_windows(out: &[Output]) -> Vec<&WindowMetrics> {
    out.iter()
        .filter_map(|o| match o {
            Output::Window(w) if w.is_final => Some(w),
            _ => None,
        })
        .collect()
}

fn window_at<'a>(out: &'a [Output], channel: &str, start: i64) -> &'a WindowMetrics {
    final_windows(out)
        .into_iter()
        .find(|w| w.stream_id.as_str() == channel && w.window_start.0 == start)
        .unwrap_or_else(|| panic!("no final window {channel}@{start}"))
}

fn engine() -> Engine {
    Engine::new(EngineConfig::default()).unwrap()
}

fn dropping_engine() -> Engine {
    Engine::new(EngineConfig {
        late_policy: LatePolicy::Drop,
        ..EngineConfig::default()
    })
    .unwrap()
}

#[test]
fn event_on_a_boundary_belongs_to_the_windows_starting_there() {
    let mut e = engine();
    e.process(0, &chat("a", "u1", 60_000, &[]), NOW);
    e.close_all();
    let out = e.drain();
    let starts: Vec<i64> = final_windows(&out)
        .iter()
        .map(|w| w.window_start.0)
        .collect();
    assert_eq!(starts, [10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    assert!(final_windows(&out).iter().all(|w| w.message_count == 1));
}

#[test]
fn windows_become_final_only_when_the_watermark_passes_their_end() {
    let mut e = engine();
    e.process(0, &chat("a", "u1", 5_000, &[]), NOW);
    // Watermark = 69 999 - 10 000 = 59 999: window [0, 60 000) is not final yet.
    e.process(0, &chat("a", "u2", 69_999, &[]), NOW);
    e.advance(NOW);
    assert!(final_windows(&e.drain())
        .iter()
        .all(|w| w.window_start.0 < 0));
    // The watermark reaches 60 000: the window is final, holding only the first message.
    e.process(0, &chat("a", "u3", 70_000, &[]), NOW);
    e.advance(NOW);
    let out = e.drain();
    let w = window_at(&out, "a", 0);
    assert_eq!(
        (w.message_count, w.unique_chatters, w.is_final),
        (1, 1, true)
    );
    assert!(final_windows(&out).iter().all(|w| w.window_end.0 <= 60_000));
}

#[test]
fn with_drop_policy_a_late_event_is_counted_and_changes_no_final_window() {
    let mut e = dropping_engine();
    e.process(0, &chat("a", "u1", 5_000, &[]), NOW);
    e.process(0, &chat("a", "u1", 100_000, &[]), NOW);
    e.advance(NOW); // watermark 90 000
    let before = e.drain();
    assert_eq!(
        e.process(0, &chat("a", "u9", 6_000, &[]), NOW),
        Verdict::Late
    );
    // Within lateness is fine.
    assert_eq!(
        e.process(0, &chat("a", "u2", 95_000, &[]), NOW),
        Verdict::Applied
    );
    e.close_all();
    let after = e.drain();
    assert_eq!(e.stats().late, 1);
    assert_eq!(window_at(&before, "a", 0).message_count, 1);
    assert!(final_windows(&after).iter().all(|w| w.window_start.0 > 0));
    assert_eq!(window_at(&after, "a", 90_000).message_count, 2);
}

#[test]
fn unique_chatters_are_exact_and_emotes_count_repeats() {
    let mut e = engine();
    e.process(
        0,
        &chat("a", "alice", 1_000, &["Kappa", "Kappa", "LUL"]),
        NOW,
    );
    e.process(0, &chat("a", "bob", 2_000, &["Kappa"]), NOW);
    e.process(0, &chat("a", "alice", 3_000, &["PogChamp"]), NOW);
    e.process(0, &chat("a", "carol", 15_000, &[]), NOW);
    e.close_all();
    let out = e.drain();
    let w = window_at(&out, "a", 0);
    assert_eq!(w.message_count, 4);
    assert_eq!(w.unique_chatters, 3);
    assert_eq!(w.emote_count, 5);
    let top: Vec<(&str, u64)> = w
        .top_emotes
        .iter()
        .map(|c| (c.name.as_str(), c.count))
        .collect();
    assert_eq!(top, [("Kappa", 3), ("LUL", 1), ("PogChamp", 1)]);
    assert_eq!(w.top_chatters[0].name, "alice");
    assert_eq!(w.top_chatters[0].count, 2);
    assert_eq!(w.messages_per_min, 4.0);
    // The window starting at 10 000 holds only carol's message.
    let w2 = window_at(&out, "a", 10_000);
    assert_eq!((w2.message_count, w2.unique_chatters), (1, 1));
}

#[test]
fn viewer_aggregates_use_event_time_not_arrival_order() {
    let mut e = engine();
    e.process(0, &viewers("a", 300, 9_000), NOW);
    e.process(0, &viewers("a", 100, 1_000), NOW);
    e.process(0, &viewers("a", 200, 5_000), NOW);
    e.close_all();
    let out = e.drain();
    let w = window_at(&out, "a", 0);
    assert_eq!(
        (w.viewer_last, w.viewer_min, w.viewer_max, w.viewer_avg),
        (Some(300), Some(100), Some(300), Some(200.0))
    );
    assert_eq!(
        out.iter()
            .filter(|o| matches!(o, Output::Viewer(_)))
            .count(),
        3
    );
}

#[test]
fn slowest_partition_holds_the_watermark() {
    let mut e = engine();
    e.process(0, &chat("a", "u", 1_000, &[]), NOW);
    e.process(1, &chat("b", "u", 500_000, &[]), NOW);
    e.advance(NOW);
    assert_eq!(e.watermark(), Some(-9_000));
    assert!(final_windows(&e.drain()).is_empty());
    // Partition 0 idle long enough: partition 1 alone drives the watermark.
    e.advance(NOW + 31_000);
    assert_eq!(e.watermark(), Some(490_000));
    assert!(!final_windows(&e.drain()).is_empty());
}

#[test]
fn far_future_events_are_refused_and_do_not_move_the_watermark() {
    let mut e = engine();
    e.process(0, &chat("a", "u", NOW - 60_000, &[]), NOW);
    let verdict = e.process(0, &chat("a", "u", NOW + 301_000, &[]), NOW);
    assert_eq!(verdict, Verdict::TooFarAhead);
    e.advance(NOW);
    assert_eq!(e.watermark(), Some(NOW - 70_000));
}

#[test]
fn running_values_are_published_before_windows_are_final() {
    let mut e = engine();
    e.process(0, &chat("a", "u1", 1_000, &[]), NOW);
    e.emit_running();
    let out = e.drain();
    let running: Vec<&WindowMetrics> = out
        .iter()
        .filter_map(|o| match o {
            Output::Window(w) if !w.is_final => Some(w),
            _ => None,
        })
        .collect();
    assert_eq!(running.len(), 6);
    assert!(running.iter().all(|w| w.message_count == 1));
    // Nothing changed: nothing to publish.
    e.emit_running();
    assert!(!e.drain().iter().any(|o| matches!(o, Output::Window(_))));
}

#[test]
fn finalized_panes_are_released() {
    let mut e = dropping_engine();
    for i in 0..1_000 {
        e.process(0, &chat("a", "u", i * 1_000, &[]), NOW);
        e.advance(NOW);
    }
    assert!(e.open_panes() <= 8, "{}", e.open_panes());
}

#[test]
fn raid_is_a_moment_and_lifecycle_updates_state() {
    let mut e = engine();
    let meta = |t: i64, event_type| {
        Event::StreamMeta(StreamMeta {
            title: Some("Speedruns".into()),
            raider: Some("b".into()),
            raid_viewers: Some(800),
            ..StreamMeta::new(
                format!("m{t}"),
                ChannelId::parse("a").unwrap(),
                event_type,
                Timestamp(t),
            )
        })
    };
    e.process(0, &viewers("a", 1_000, 500), NOW);
    e.process(0, &meta(1_000, StreamEventType::StreamStart), NOW);
    e.process(0, &meta(2_000, StreamEventType::RaidIncoming), NOW);
    e.process(0, &meta(9_000, StreamEventType::StreamEnd), NOW);
    let out = e.drain();
    let raid = out.iter().find_map(|o| match o {
        Output::Moment(m) => Some(m),
        _ => None,
    });
    let raid = raid.expect("raid moment");
    assert_eq!(raid.moment_type, MomentType::RaidIncoming);
    assert_eq!(raid.value, Some(800.0));
    assert_eq!(raid.moment_id, "a-raid_incoming-m2000");
    let last_state = out.iter().rev().find_map(|o| match o {
        Output::Stream(s) => Some(s),
        _ => None,
    });
    let s = last_state.expect("stream state");
    assert!(!s.is_live);
    assert_eq!(s.started_at, Some(Timestamp(1_000)));
    assert_eq!(s.ended_at, Some(Timestamp(9_000)));
    assert_eq!(s.title.as_deref(), Some("Speedruns"));
}

#[test]
fn generated_episodes_are_each_detected_once_with_few_false_moments() {
    use telemetra_gen::{EpisodeKind, GenConfig, Generator};
    let cfg = GenConfig::default();
    let mut g = Generator::new(cfg.clone());
    let mut e = engine();
    let mut moments = Vec::new();
    let horizon = cfg.start.0 + 15 * 60_000;
    let mut n = 0u64;
    loop {
        let (at, event) = g.next_timed();
        if at > horizon {
            break;
        }
        e.process(0, &event, NOW);
        n += 1;
        if n.is_multiple_of(512) {
            e.advance(NOW);
        }
        moments.extend(e.drain().into_iter().filter_map(|o| match o {
            Output::Moment(m) => Some(m),
            _ => None,
        }));
    }
    e.close_all();
    let episodes: Vec<_> = g
        .episodes()
        .iter()
        .filter(|ep| ep.start.0 < horizon - 60_000)
        .cloned()
        .collect();
    let bursts = episodes
        .iter()
        .filter(|ep| ep.kind == EpisodeKind::ChatBurst)
        .count();
    let raids = episodes.len() - bursts;
    assert!(bursts >= 3 && raids >= 3, "{episodes:?}");

    // Which episode explains a moment: the same channel, close in time, and the
    // kind of moment that episode causes (a raid also brings a viewer spike).
    let explains = |m: &telemetra_types::Moment, ep: &telemetra_gen::Episode| {
        let dt = m.timestamp.0 - ep.start.0;
        m.stream_id == ep.channel
            && match (ep.kind, m.moment_type) {
                (EpisodeKind::ChatBurst, MomentType::ChatSpike) => dt.abs() <= 20_000,
                (EpisodeKind::Raid, MomentType::RaidIncoming) => dt == 0,
                (EpisodeKind::Raid, MomentType::ViewerSpike) => (-10_000..=70_000).contains(&dt),
                // Hype is positive: a burst lifts the mood of chat.
                (EpisodeKind::ChatBurst, MomentType::SentimentShift) => dt.abs() <= 30_000,
                // Raiders drift away again over the following minutes.
                (EpisodeKind::Raid, MomentType::ViewerDrop) => (0..=300_000).contains(&dt),
                _ => false,
            }
    };
    for ep in &episodes {
        let primary = if ep.kind == EpisodeKind::ChatBurst {
            MomentType::ChatSpike
        } else {
            MomentType::RaidIncoming
        };
        let found = moments
            .iter()
            .filter(|m| m.moment_type == primary && explains(m, ep))
            .count();
        assert_eq!(
            found, 1,
            "episode {ep:?} detected {found} times; moments {moments:#?}"
        );
    }
    let unexplained: Vec<_> = moments
        .iter()
        .filter(|m| !episodes.iter().any(|ep| explains(m, ep)))
        .collect();
    let precision = 1.0 - unexplained.len() as f64 / moments.len() as f64;
    println!(
        "{} episodes ({bursts} bursts, {raids} raids), {} moments, {} unexplained: recall 1.00, precision {precision:.2}",
        episodes.len(),
        moments.len(),
        unexplained.len()
    );
    assert!(unexplained.len() <= 2, "false moments: {unexplained:#?}");
}

#[test]
fn an_earlier_event_after_a_watermark_advance_still_opens_its_windows() {
    // Regression: finalizing before any window was due must not skip the windows
    // that an earlier (but not late) event of the channel opens later.
    let mut e = engine();
    e.process(0, &chat("other", "u", 100_000, &[]), NOW);
    e.process(1, &chat("a", "u", 95_000, &[]), NOW);
    e.advance(NOW); // watermark 85 000: nothing of channel a is due yet
    assert_eq!(
        e.process(1, &chat("a", "v", 89_000, &[]), NOW),
        Verdict::Applied
    );
    e.close_all();
    let out = e.drain();
    // The window [30 000, 90 000) holds only the earlier event.
    let w = window_at(&out, "a", 30_000);
    assert_eq!((w.message_count, w.unique_chatters), (1, 1));
    assert_eq!(window_at(&out, "a", 80_000).message_count, 2);
}

#[test]
fn with_correct_policy_a_late_event_re_emits_its_final_windows() {
    let mut e = engine();
    e.process(0, &chat("a", "u1", 5_000, &[]), NOW);
    e.process(0, &chat("a", "u1", 100_000, &[]), NOW);
    e.advance(NOW); // watermark 90 000: windows starting at or before 30 000 are final
    let before = e.drain();
    assert_eq!(window_at(&before, "a", 0).message_count, 1);
    assert_eq!(
        e.process(0, &chat("a", "u9", 6_000, &[]), NOW),
        Verdict::Corrected
    );
    let corrections = e.drain();
    // The late event is in windows starting at -50 000 .. 0: all final, all re-emitted.
    let starts: Vec<i64> = final_windows(&corrections)
        .iter()
        .map(|w| w.window_start.0)
        .collect();
    assert_eq!(starts, [-50_000, -40_000, -30_000, -20_000, -10_000, 0]);
    let w = window_at(&corrections, "a", 0);
    assert_eq!(
        (w.message_count, w.unique_chatters, w.is_final),
        (2, 2, true)
    );
    assert_eq!(e.stats().corrected, 1);
}

#[test]
fn corrections_stop_at_the_horizon_and_memory_stays_bounded() {
    let cfg = EngineConfig {
        correction_horizon_ms: 60_000,
        ..EngineConfig::default()
    };
    let mut e = Engine::new(cfg).unwrap();
    for i in 0..1_000 {
        e.process(0, &chat("a", "u", i * 1_000, &[]), NOW);
        e.advance(NOW);
    }
    // Horizon (6 panes) + one window (6 panes) + the open ones.
    assert!(e.open_panes() <= 20, "{}", e.open_panes());
    // Watermark 989 000: 929 000 is within the horizon, 900 000 is not.
    assert_eq!(
        e.process(0, &chat("a", "x", 929_000, &[]), NOW),
        Verdict::Corrected
    );
    assert_eq!(
        e.process(0, &chat("a", "x", 900_000, &[]), NOW),
        Verdict::Late
    );
}

#[test]
fn final_results_do_not_depend_on_arrival_order_with_corrections() {
    use telemetra_gen::{GenConfig, Generator};
    // Events arriving up to 40 s out of order, far beyond the 10 s lateness.
    let events: Vec<Event> = Generator::new(GenConfig::default()).take(20_000).collect();
    let mut shuffled = events.clone();
    let mut seed: u64 = 7;
    let mut keyed: Vec<(i64, Event)> = shuffled
        .drain(..)
        .map(|e| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (e.timestamp().0 + (seed >> 33) as i64 % 40_000, e)
        })
        .collect();
    keyed.sort_by_key(|(k, _)| *k);
    let run = |input: Vec<Event>| {
        let mut e = engine();
        let mut finals = std::collections::BTreeMap::new();
        for (i, event) in input.iter().enumerate() {
            e.process(0, event, NOW);
            if i % 100 == 0 {
                e.advance(NOW);
            }
            for o in e.drain() {
                if let Output::Window(w) = o {
                    if w.is_final {
                        finals.insert((w.stream_id.clone(), w.window_start), w);
                    }
                }
            }
        }
        e.close_all();
        for o in e.drain() {
            if let Output::Window(w) = o {
                finals.insert((w.stream_id.clone(), w.window_start), w);
            }
        }
        (finals, e.stats())
    };
    let (in_order, _) = run(events);
    let (out_of_order, stats) = run(keyed.into_iter().map(|(_, e)| e).collect());
    assert!(
        stats.corrected > 100,
        "the test really exercises corrections: {stats:?}"
    );
    assert_eq!(in_order.len(), out_of_order.len());
    for (key, w) in &in_order {
        assert_eq!(Some(w), out_of_order.get(key), "window {key:?}");
    }
}

#[test]
fn a_restored_snapshot_carries_on_exactly_where_the_engine_stopped() {
    use telemetra_gen::{GenConfig, Generator};
    let events: Vec<Event> = Generator::new(GenConfig::default()).take(30_000).collect();
    // Outputs of a run that may stop at `cut` and carry on in a restored engine.
    let run = |cut: Option<usize>| {
        let mut e = engine();
        let mut out = Vec::new();
        for (i, event) in events.iter().enumerate() {
            if Some(i) == cut {
                let snapshot = e.snapshot();
                e = Engine::restore(EngineConfig::default(), &snapshot, NOW).unwrap();
            }
            e.process((i % 3) as u32, event, NOW);
            if i % 250 == 0 {
                e.advance(NOW);
                e.emit_running();
                out.extend(e.drain());
            }
        }
        e.close_all();
        out.extend(e.drain());
        (out, e.stats())
    };
    let (whole, stats) = run(None);
    assert!(stats.moments > 0 && stats.final_windows > 100, "{stats:?}");
    for cut in [251, 12_751, 29_001] {
        let (resumed, resumed_stats) = run(Some(cut));
        assert_eq!(resumed_stats, stats, "cut at {cut}");
        assert!(resumed == whole, "outputs differ after a restore at {cut}");
    }
}

#[test]
fn a_snapshot_is_refused_by_an_engine_with_another_window_shape() {
    let mut e = engine();
    e.process(0, &chat("a", "u1", 60_000, &[]), NOW);
    let snapshot = e.snapshot();
    let other = EngineConfig {
        slide_ms: 5_000,
        ..EngineConfig::default()
    };
    let err = Engine::restore(other, &snapshot, NOW).err().unwrap();
    assert!(
        err.to_string().contains("60000 ms sliding by 10000 ms"),
        "{err}"
    );
    assert!(Engine::restore(EngineConfig::default(), b"\x07garbage", NOW).is_err());
}

#[test]
fn a_channel_silent_for_the_eviction_delay_is_forgotten_and_starts_afresh() {
    let mut e = Engine::new(EngineConfig {
        channel_idle_evict_ms: 600_000,
        correction_horizon_ms: 60_000,
        ..EngineConfig::default()
    })
    .unwrap();
    e.process(0, &chat("quiet", "u1", 60_000, &[]), NOW);
    for t in (60_000..=2_000_000).step_by(5_000) {
        e.process(0, &chat("busy", "u2", t, &[]), NOW);
        e.advance(NOW);
        // The once-a-second beat that emits changed channel states.
        e.emit_running();
    }
    assert_eq!(e.channels(), 1, "only the busy channel is kept");
    let out = e.drain();
    assert!(final_windows(&out)
        .iter()
        .any(|w| w.stream_id.as_str() == "quiet"));
    // It comes back: counted from scratch, as a new channel.
    e.process(0, &chat("quiet", "u1", 2_000_000, &[]), NOW);
    assert_eq!(e.channels(), 2);
}

#[test]
fn chat_counted_from_its_bytes_gives_the_outputs_of_owned_events() {
    use telemetra_gen::{GenConfig, Generator};
    use telemetra_types::{decode_event, decode_event_view, EventView};
    let raws: Vec<(telemetra_types::Topic, Vec<u8>)> = Generator::new(GenConfig::default())
        .take(20_000)
        .map(|e| (e.kind().topic(), e.to_json()))
        .collect();
    let run = |borrowed: bool| {
        let mut e = engine();
        let mut out = Vec::new();
        let mut chat_views = 0;
        for (i, (topic, raw)) in raws.iter().enumerate() {
            let verdict = if borrowed {
                let view = decode_event_view(*topic, raw).expect("generated events decode");
                chat_views += usize::from(matches!(view, EventView::Chat(_)));
                e.process_view(0, &view, NOW)
            } else {
                let event = decode_event(*topic, raw).expect("generated events decode");
                e.process(0, &event, NOW)
            };
            assert_ne!(verdict, Verdict::TooFarAhead);
            if i % 100 == 0 {
                e.advance(NOW);
                e.emit_running();
            }
            out.extend(e.drain());
        }
        e.close_all();
        out.extend(e.drain());
        (out, e.stats(), chat_views)
    };
    let (owned, owned_stats, _) = run(false);
    let (borrowed, borrowed_stats, chat_views) = run(true);
    assert!(
        chat_views > 10_000,
        "chat went the borrowed way: {chat_views}"
    );
    assert!(owned_stats.final_windows > 100, "{owned_stats:?}");
    assert_eq!(owned_stats, borrowed_stats);
    assert_eq!(owned.len(), borrowed.len());
    for (a, b) in owned.iter().zip(&borrowed) {
        assert_eq!(a, b);
    }
}

#[test]
fn outputs_come_in_channel_order_whatever_order_channels_appeared_in() {
    let run = |order: &[&str]| {
        let mut e = engine();
        for c in order {
            e.process(0, &chat(c, "u", 1_000, &[]), NOW);
        }
        e.process(0, &chat("z", "u", 200_000, &[]), NOW);
        e.advance(NOW);
        e.drain()
    };
    let first = run(&["c", "a", "b"]);
    let second = run(&["b", "c", "a"]);
    let channels: Vec<&str> = final_windows(&first)
        .iter()
        .map(|w| w.stream_id.as_str())
        .collect();
    assert!(channels.len() >= 3, "{channels:?}");
    assert!(channels.windows(2).all(|p| p[0] <= p[1]), "{channels:?}");
    assert_eq!(first, second);
}
