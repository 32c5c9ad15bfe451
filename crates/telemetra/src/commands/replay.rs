//! `telemetra replay`: a file through the engine into the embedded store, at full speed.

use std::time::Instant;

use anyhow::{Context, Result};
use telemetra_bus::partition_for;
use telemetra_engine::Engine;
use telemetra_types::{now_ms, peek_channel};

use crate::cli::ReplayArgs;
use crate::input::{next_line, open_lines};
use crate::processor::Processor;

/// Records between writes: large batches keep SQLite transactions cheap per row.
const FLUSH_EVERY: u64 = 20_000;

pub async fn replay(args: ReplayArgs) -> Result<()> {
    let engine = Engine::new(args.engine.engine_config()).context("invalid engine settings")?;
    let store = super::open_embedded_store(&args.data_dir).await?;
    let mut processor = Processor::new(engine, store, None);
    let mut reader = open_lines(&args.input)?;
    let source = format!(
        "file:{}",
        args.input
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    );
    let started = Instant::now();
    let (mut line, mut line_no) = (Vec::new(), 0u64);
    while next_line(reader.as_mut(), &mut line, &mut line_no)? {
        // Same partitioning as the live path, so the watermark advances the same way.
        let key = peek_channel(&line).unwrap_or_default();
        let partition = partition_for(key.as_bytes(), args.engine.partitions);
        processor.ingest(&source, line_no, None, partition, &line, now_ms());
        if line_no % FLUSH_EVERY == 0 {
            processor.flush(now_ms()).await?;
        }
    }
    processor.finish().await?;
    let s = processor.stats();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "replayed {} records in {:.2}s ({:.0}/s): {} applied, {} late, {} rejected, {} final windows, {} moments",
        s.records,
        secs,
        s.records as f64 / secs.max(1e-9),
        s.engine.applied,
        s.engine.late,
        s.rejected,
        s.engine.final_windows,
        s.engine.moments
    );
    Ok(())
}
