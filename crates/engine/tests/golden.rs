//! Golden tests: hand-written event files in, the engine's final outputs out.
//!
//! Each case in `tests/golden/` is a pair: `<case>.input.jsonl` holds events in the
//! wire format, one per line, fed in file order to one engine on partition 0 (the
//! watermark advanced after every event, then `close_all`); `<case>.expected.jsonl`
//! holds what the engine finally says, one JSON object per line: the final windows
//! (the last final value of each, so corrections show) sorted by channel and start,
//! then the moments sorted by id, then the channel states after `close_all`.
//!
//! The expected files were checked by hand against the window rules (60 s windows
//! sliding by 10 s, 10 s allowed lateness, corrections within 600 s), not merely
//! recorded: message counts, window bounds, money sums and lifecycle fields. After an
//! intended change of behaviour, `UPDATE_GOLDEN=1 cargo test -p telemetra-engine
//! --test golden` rewrites them; review the diff as carefully as code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use telemetra_engine::{Engine, EngineConfig, Output};
use telemetra_types::{decode_line, Moment, StreamState, WindowMetrics};

/// Wall clock far after every event time in the cases (2033), so that none is
/// refused as too far ahead and idleness never matters (one partition).
const NOW: i64 = 2_000_000_000_000;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Runs one input file and renders the engine's final outputs.
fn run_case(input: &str, case: &str) -> String {
    let mut engine = Engine::new(EngineConfig::default()).expect("default settings are valid");
    let mut outputs = Vec::new();
    for (n, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let event = decode_line(line.as_bytes())
            .unwrap_or_else(|e| panic!("{case}: line {} is not a valid event: {e:?}", n + 1));
        engine.process(0, &event, NOW);
        engine.advance(NOW);
        outputs.extend(engine.drain());
    }
    engine.close_all();
    outputs.extend(engine.drain());

    let mut windows: BTreeMap<(String, i64), WindowMetrics> = BTreeMap::new();
    let mut moments: Vec<Moment> = Vec::new();
    let mut states: BTreeMap<String, StreamState> = BTreeMap::new();
    for o in outputs {
        match o {
            Output::Window(w) if w.is_final => {
                windows.insert((w.stream_id.to_string(), w.window_start.0), w);
            }
            Output::Moment(m) => moments.push(m),
            Output::Stream(s) => {
                states.insert(s.stream_id.to_string(), s);
            }
            Output::Window(_) | Output::Viewer(_) | Output::Transaction(_) => {}
        }
    }
    moments.sort_by(|a, b| a.moment_id.cmp(&b.moment_id));

    let mut lines: Vec<String> = Vec::new();
    lines.extend(windows.values().map(json));
    lines.extend(moments.iter().map(json));
    lines.extend(states.values().map(json));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("outputs serialize")
}

/// A line diff (longest common subsequence), `-` expected, `+` actual.
fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}

#[test]
fn golden_cases() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.to_string_lossy().ends_with(".input.jsonl"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no golden cases found");

    let mut failures = Vec::new();
    for input_path in &inputs {
        let name = input_path.file_name().unwrap().to_string_lossy();
        let case = name.trim_end_matches(".input.jsonl").to_owned();
        let expected_path = input_path.with_file_name(format!("{case}.expected.jsonl"));
        let input = std::fs::read_to_string(input_path).unwrap();
        let actual = run_case(&input, &case);
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "case {case}: outputs differ (- expected, + actual)\n{}",
                line_diff(&expected, &actual)
            )),
            Err(e) => failures.push(format!(
                "case {case}: cannot read {}: {e} (UPDATE_GOLDEN=1 writes it; check it by hand)",
                expected_path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases failed:\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}

#[test]
fn the_diff_marks_changed_lines() {
    let d = line_diff("a\nb\nc\n", "a\nx\nc\n");
    assert_eq!(d, "  a\n+ x\n- b\n  c\n");
}
