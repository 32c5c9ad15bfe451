//! `telemetra bench`: built-in benchmarks with numbers a user can rerun.

use std::time::Instant;

use anyhow::{Context, Result};
use telemetra_bus::partition_for;
use telemetra_engine::Engine;
use telemetra_gen::{GenConfig, Generator};
use telemetra_types::{decode_event_view, EventKind, Topic};

use crate::cli::{BenchCommand, BenchEngineArgs};

pub async fn bench(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Engine(args) => bench_engine(args),
        BenchCommand::Ws(args) => super::bench_ws::bench_ws(args).await,
    }
}

/// Records between watermark advances, as a consumer batch would be.
const BATCH: usize = 2_048;

fn bench_engine(args: BenchEngineArgs) -> Result<()> {
    let cfg = args.engine.engine_config();
    Engine::new(cfg.clone()).context("invalid engine settings")?;
    let gen = GenConfig {
        channels: args.channels as usize,
        users: args.users,
        rate: args.rate,
        ..GenConfig::default()
    };
    eprintln!(
        "generating {} events ({} channels, {} users)...",
        args.events, args.channels, args.users
    );
    let records: Vec<(Topic, u32, Vec<u8>)> = Generator::new(gen)
        .filter(|e| !args.chat_only || e.kind() == EventKind::Chat)
        .take(args.events)
        .map(|e| {
            let partition = partition_for(e.channel().as_str().as_bytes(), args.engine.partitions);
            (e.kind().topic(), partition, e.to_json())
        })
        .collect();
    let bytes: usize = records.iter().map(|r| r.2.len()).sum();
    let chat = records.iter().filter(|r| r.0 == Topic::Chat).count();
    println!(
        "input: {} MB of JSON, {:.1} % chat; running {} times on one thread",
        bytes / 1_000_000,
        chat as f64 * 100.0 / records.len().max(1) as f64,
        args.runs
    );
    let rss_before = peak_rss_kb();
    let mut rates = Vec::new();
    for run in 1..=args.runs.max(1) {
        let mut engine = Engine::new(cfg.clone())?;
        // Event time is historical; the wall clock only matters for idleness and skew.
        let now = telemetra_types::now_ms();
        let started = Instant::now();
        let mut outputs = 0usize;
        for (i, (topic, partition, raw)) in records.iter().enumerate() {
            if let Ok(event) = decode_event_view(*topic, raw) {
                engine.process_view(*partition, &event, now);
            }
            if i % BATCH == BATCH - 1 {
                engine.advance(now);
                outputs += engine.drain().len();
            }
        }
        engine.close_all();
        outputs += engine.drain().len();
        let secs = started.elapsed().as_secs_f64();
        let rate = records.len() as f64 / secs;
        println!(
            "run {run}: {:.0} events/s ({secs:.2} s, {outputs} outputs, {} late)",
            rate,
            engine.stats().late
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "engine: median {median:.0} events/s over {} runs (min {:.0}, max {:.0})",
        rates.len(),
        rates[0],
        rates[rates.len() - 1]
    );
    if let (Some(before), Some(after)) = (rss_before, peak_rss_kb()) {
        println!(
            "peak memory: {} MB ({} MB of it the input held in memory before the runs)",
            after / 1024,
            before / 1024
        );
    }
    Ok(())
}

/// Peak resident set size of this process, from `/proc` (Linux only).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
