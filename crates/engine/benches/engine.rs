//! Engine micro-benchmarks: the hot path of a processor (decoding alone, and decode +
//! process), non-chat topic messages that carry a `type`, chat sentiment scoring, and
//! window finalization.
//!
//! `cargo bench -p telemetra-engine`; for a quick look add
//! `-- --warm-up-time 1 --measurement-time 3`.

use criterion::measurement::WallTime;
use criterion::{criterion_main, BatchSize, BenchmarkGroup, Criterion, Throughput};
use telemetra_engine::{Engine, EngineConfig, SentimentModel};
use telemetra_gen::{GenConfig, Generator};
use telemetra_types::{decode_event, decode_line_view, Event};

/// Wall clock after every generated event time, so none is refused as too far ahead.
const NOW: i64 = 2_000_000_000_000;
const EVENTS: usize = 50_000;

fn generated(n: usize) -> Vec<Event> {
    Generator::new(GenConfig::default()).take(n).collect()
}

/// A benchmark group timing `elements` items a run, with ten samples: every run here
/// takes milliseconds or more.
fn group<'c>(c: &'c mut Criterion, name: &str, elements: usize) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(elements as u64));
    group.sample_size(10);
    group
}

/// The processors' loop without I/O: bytes in, decoded (chat borrowed from them),
/// counted in windows, with the watermark advanced every 2 048 records as they do.
fn decode_and_process(c: &mut Criterion) {
    let lines: Vec<String> = generated(EVENTS).iter().map(Event::to_json_line).collect();
    let mut group = group(c, "engine", lines.len());
    // Decoding alone, for its share of the loop below.
    group.bench_function("decode_line_view 50k events", |b| {
        b.iter(|| {
            lines
                .iter()
                .filter(|line| decode_line_view(line.as_bytes()).is_ok())
                .count()
        })
    });
    group.bench_function("decode_line_view+process_view 50k events", |b| {
        b.iter_batched(
            || Engine::new(EngineConfig::default()).unwrap(),
            |mut engine| {
                for (i, line) in lines.iter().enumerate() {
                    let event = decode_line_view(line.as_bytes()).expect("generated events decode");
                    engine.process_view(0, &event, NOW);
                    if i % 2_048 == 2_047 {
                        engine.advance(NOW);
                        engine.drain();
                    }
                }
                engine.close_all();
                engine.drain()
            },
            // A fresh engine per run: its set-up (lexicons) is outside the timing.
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// Topic messages other than chat, from a producer that writes a `type` field on
/// each (the file format does): the decoder checks it against the topic.
fn typed_topic_messages(c: &mut Criterion) {
    let messages: Vec<_> = generated(EVENTS * 4)
        .into_iter()
        .filter(|e| !matches!(e, Event::Chat(_)))
        .map(|e| (e.kind().topic(), e.to_json_line()))
        .collect();
    let mut group = group(c, "decode", messages.len());
    group.bench_function("decode_event of non-chat topic messages with a type", |b| {
        b.iter(|| {
            messages
                .iter()
                .filter(|(topic, raw)| decode_event(*topic, raw.as_bytes()).is_ok())
                .count()
        })
    });
    group.finish();
}

/// Sentiment of generated chat, with the model's cache of recent scores (as the
/// engine runs it) and without (the cost of text never seen before).
fn sentiment(c: &mut Criterion) {
    let messages: Vec<String> = generated(20_000)
        .into_iter()
        .filter_map(|e| match e {
            Event::Chat(m) => Some(m.message),
            _ => None,
        })
        .take(5_000)
        .collect();
    let mut group = group(c, "sentiment", messages.len());
    for (name, model) in [
        ("score 5k messages, cached", SentimentModel::new()),
        ("score 5k messages, no cache", SentimentModel::with_cache(0)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                messages
                    .iter()
                    .map(|m| model.score(m).compound)
                    .sum::<f64>()
            })
        });
    }
    group.finish();
}

/// Merging panes into final windows: the events are in, and one `advance` closes
/// every window the watermark passed (about three minutes over ten channels).
fn finalization(c: &mut Criterion) {
    let events = generated(EVENTS);
    let last = events.iter().map(|e| e.timestamp().0).max().unwrap();
    let mut marker = events
        .iter()
        .find(|e| matches!(e, Event::Chat(_)))
        .unwrap()
        .clone();
    if let Event::Chat(m) = &mut marker {
        m.timestamp = telemetra_types::Timestamp(last + 3_600_000);
    }
    let mut group = c.benchmark_group("windows");
    group.sample_size(10);
    group.bench_function("advance finalizes the windows of 50k events", |b| {
        b.iter_batched(
            || {
                let mut engine = Engine::new(EngineConfig::default()).unwrap();
                for e in &events {
                    engine.process(0, e, NOW);
                }
                engine
            },
            |mut engine| {
                // A later event on its own partition carries the watermark past the
                // end of every window; the one event itself is negligible.
                engine.process(0, &marker, NOW);
                engine.advance(NOW);
                engine.drain()
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// Every benchmark here. Written out rather than with `criterion_group!`, whose
/// generated public function has no doc comment for the workspace's `missing_docs`.
pub fn benches() {
    let mut c = Criterion::default().configure_from_args();
    decode_and_process(&mut c);
    typed_topic_messages(&mut c);
    sentiment(&mut c);
    finalization(&mut c);
}

criterion_main!(benches);
