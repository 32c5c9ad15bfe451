//! `telemetra sentiment`: the engine's sentiment model on the command line, for
//! checking how a message scores and for scoring a file of chat lines.

use std::io::{self, BufRead, BufWriter, IsTerminal, Write};

use anyhow::{Context, Result};
use telemetra_engine::SentimentModel;

use crate::cli::SentimentArgs;

/// Prints `<compound, 4 decimals>\t<class -1|0|1>\t<text>` for each argument, or for
/// each line of standard input when there are none, in input order.
pub fn sentiment(args: SentimentArgs) -> Result<()> {
    let model = SentimentModel::new();
    let stdout = io::stdout();
    // Typed lines get their answer at once; piped input is written in blocks.
    let interactive = args.texts.is_empty() && io::stdin().is_terminal();
    let mut out = BufWriter::new(stdout.lock());
    let result = if args.texts.is_empty() {
        score_lines(&model, io::stdin().lock(), &mut out, interactive)
    } else {
        args.texts
            .iter()
            .try_for_each(|text| write_score(&model, text, &mut out))
    };
    match result.and_then(|()| out.flush()) {
        // `telemetra sentiment < chat.txt | head` is a normal way to stop.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("could not write the scores"),
    }
}

fn score_lines(
    model: &SentimentModel,
    mut input: impl BufRead,
    out: &mut impl Write,
    flush_each: bool,
) -> io::Result<()> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        // Invalid UTF-8 is scored as far as it can be read, not refused.
        write_score(model, &String::from_utf8_lossy(text), out)?;
        if flush_each {
            out.flush()?;
        }
    }
}

fn write_score(model: &SentimentModel, text: &str, out: &mut impl Write) -> io::Result<()> {
    let s = model.score(text);
    // One output line per input: a line break inside an argument is echoed as a space.
    let echo = text.replace(['\n', '\r'], " ");
    writeln!(out, "{:.4}\t{}\t{echo}", s.compound, s.class.as_i8())
}
