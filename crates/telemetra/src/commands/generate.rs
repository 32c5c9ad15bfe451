//! `telemetra generate`: synthetic events to a JSON Lines file.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::{Context, Result};
use telemetra_gen::{GenConfig, Generator};
use telemetra_types::Timestamp;

use crate::cli::GenerateArgs;

pub fn generate(args: GenerateArgs) -> Result<()> {
    let start = Timestamp::parse(&args.start)
        .with_context(|| format!("invalid --start {:?}", args.start))?;
    let ms = |d: std::time::Duration| d.as_millis() as i64;
    let cfg = args.generator.config(
        start,
        GenConfig::for_window(ms(args.window), ms(args.slide).max(1)),
    );
    let mut out: Box<dyn Write> = if args.out.as_os_str() == "-" {
        Box::new(BufWriter::new(std::io::stdout().lock()))
    } else {
        let file = File::create(&args.out)
            .with_context(|| format!("could not create {}", args.out.display()))?;
        Box::new(BufWriter::with_capacity(1 << 20, file))
    };
    let mut generator = Generator::new(cfg);
    let channels = u64::from(args.generator.channel_count()?);
    // The last events close every stream, so a replay ends with channels offline.
    let body = if args.events >= 2 * channels {
        args.events - channels
    } else {
        args.events
    };
    for _ in 0..body {
        let (_, event) = generator.next_timed();
        writeln!(out, "{}", event.to_json_line()).context("could not write events")?;
    }
    if body < args.events {
        for event in generator.finish() {
            writeln!(out, "{}", event.to_json_line()).context("could not write events")?;
        }
    }
    out.flush().context("could not write events")?;
    if let Some(path) = &args.episodes {
        let mut file = BufWriter::new(
            File::create(path).with_context(|| format!("could not create {}", path.display()))?,
        );
        for episode in generator.episodes() {
            writeln!(file, "{}", serde_json::to_string(episode)?)?;
        }
        file.flush()?;
    }
    Ok(())
}
