//! Event files: JSON Lines, plain or gzip (detected by content, not by name).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result};
use flate2::read::MultiGzDecoder;

/// Opens an event file for line-by-line reading.
pub fn open_lines(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let mut file =
        File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    let mut magic = [0u8; 2];
    let n = file
        .read(&mut magic)
        .with_context(|| format!("could not read {}", path.display()))?;
    let file = File::open(path).with_context(|| format!("could not reopen {}", path.display()))?;
    Ok(if n == 2 && magic == [0x1f, 0x8b] {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    })
}

/// Reads the next line as raw bytes (no newline), skipping blank lines. Lines are
/// bytes, not `String`s: invalid UTF-8 must reach the dead-letter path, not stop us.
pub fn next_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>, line_no: &mut u64) -> Result<bool> {
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', buf)
            .context("could not read the input file")?;
        if n == 0 {
            return Ok(false);
        }
        *line_no += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if !buf.iter().all(u8::is_ascii_whitespace) {
            return Ok(true);
        }
    }
}
