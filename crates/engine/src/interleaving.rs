//! Final windows must not depend on how channels are spread over input partitions,
//! nor on how the partitions' reads interleave.
//!
//! In production each channel is keyed to one Kafka partition, and a processor reads
//! its partitions in whatever order the consumer delivers batches: one partition's
//! backlog may run far ahead of another's. Each partition keeps its own order; nothing
//! else is guaranteed. With the default (correcting) late policy, the last final value
//! of every window must then be what a single in-order run produces.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use telemetra_gen::{GenConfig, Generator};
use telemetra_types::{ChannelId, Event, WindowMetrics};

use crate::{Engine, EngineConfig, Output};

const NOW: i64 = 2_000_000_000_000;

type Finals = BTreeMap<(ChannelId, i64), WindowMetrics>;

/// A few minutes of event time over several channels: enough for windows to become
/// final mid-run, so that interleavings really move the watermark around.
fn events() -> &'static [Event] {
    static EVENTS: OnceLock<Vec<Event>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let cfg = GenConfig {
            channels: 6,
            rate: 15.0,
            seed: 11,
            ..GenConfig::default()
        };
        Generator::new(cfg).take(3_000).collect()
    })
}

fn keep_finals(finals: &mut Finals, outputs: Vec<Output>) {
    for o in outputs {
        if let Output::Window(w) = o {
            if w.is_final {
                finals.insert((w.stream_id.clone(), w.window_start.0), w);
            }
        }
    }
}

fn in_order_finals() -> &'static Finals {
    static FINALS: OnceLock<Finals> = OnceLock::new();
    FINALS.get_or_init(|| {
        let mut engine = Engine::new(EngineConfig::default()).unwrap();
        let mut finals = Finals::new();
        for event in events() {
            engine.process(0, event, NOW);
            engine.advance(NOW);
            keep_finals(&mut finals, engine.drain());
        }
        engine.close_all();
        keep_finals(&mut finals, engine.drain());
        finals
    })
}

/// splitmix64: a seed is enough input for proptest, and the arrangement it yields
/// is reproducible from the failing case's seed.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Splits the in-order events by channel over `partitions` inputs, then interleaves
/// them in runs of up to `max_run` events from one partition at a time.
fn arrange(partitions: u32, assign_seed: u64, order_seed: u64, max_run: u64) -> Vec<(u32, Event)> {
    let mut rng = assign_seed;
    let mut partition_of: BTreeMap<&ChannelId, u32> = BTreeMap::new();
    let mut queues: Vec<std::collections::VecDeque<&Event>> =
        (0..partitions).map(|_| Default::default()).collect();
    for event in events() {
        let p = *partition_of
            .entry(event.channel())
            .or_insert_with(|| (next(&mut rng) % u64::from(partitions)) as u32);
        queues[p as usize].push_back(event);
    }
    let mut rng = order_seed;
    let mut out = Vec::with_capacity(events().len());
    while out.len() < events().len() {
        let p = (next(&mut rng) % u64::from(partitions)) as usize;
        let run = 1 + next(&mut rng) % max_run;
        for _ in 0..run {
            match queues[p].pop_front() {
                Some(event) => out.push((p as u32, event.clone())),
                None => break,
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20, ..ProptestConfig::default() })]

    #[test]
    fn final_windows_do_not_depend_on_partitioning_or_interleaving(
        partitions in 1u32..=4,
        assign_seed in any::<u64>(),
        order_seed in any::<u64>(),
        // Long runs let one partition's backlog get minutes ahead of another's.
        max_run in prop_oneof![1u64..=20, 200u64..=2_000],
        max_batch in 1usize..=300,
        batch_seed in any::<u64>(),
        // Processors announce assigned partitions; without that, a partition read
        // late sees its windows already final and must be corrected.
        register in proptest::bool::weighted(0.3),
    ) {
        let arrival = arrange(partitions, assign_seed, order_seed, max_run);
        let mut engine = Engine::new(EngineConfig::default()).unwrap();
        if register {
            for p in 0..partitions {
                engine.register_partition(p, NOW);
            }
        }
        let mut finals = Finals::new();
        let mut rng = batch_seed;
        let mut rest = &arrival[..];
        while !rest.is_empty() {
            let size = (1 + next(&mut rng) as usize % max_batch).min(rest.len());
            let (batch, tail) = rest.split_at(size);
            for (partition, event) in batch {
                engine.process(*partition, event, NOW);
            }
            engine.advance(NOW);
            keep_finals(&mut finals, engine.drain());
            rest = tail;
        }
        engine.close_all();
        keep_finals(&mut finals, engine.drain());

        let expected = in_order_finals();
        prop_assert!(expected.len() > 100, "the stream spans many windows");
        let missing: Vec<_> = expected.keys().filter(|k| !finals.contains_key(*k)).collect();
        let extra: Vec<_> = finals.keys().filter(|k| !expected.contains_key(*k)).collect();
        prop_assert!(
            missing.is_empty() && extra.is_empty(),
            "windows missing {missing:?}, extra {extra:?} (stats {:?})",
            engine.stats()
        );
        for (key, w) in expected {
            prop_assert_eq!(Some(w), finals.get(key), "window {:?}", key);
        }
    }
}
