//! `telemetra sentiment`: one `<score>\t<class>\t<text>` line per input, in order.

use crate::util::{run_ok, run_ok_with_stdin};

/// Splits the output into (score, class, text), checking the format of each line.
#[track_caller]
fn parse(out: &str) -> Vec<(f64, i8, String)> {
    out.lines()
        .map(|line| {
            let mut fields = line.splitn(3, '\t');
            let (score, class, text) = (
                fields.next().unwrap(),
                fields
                    .next()
                    .unwrap_or_else(|| panic!("no class in {line:?}")),
                fields
                    .next()
                    .unwrap_or_else(|| panic!("no text in {line:?}")),
            );
            let decimals = score.split_once('.').map(|(_, d)| d.len());
            assert_eq!(decimals, Some(4), "score with 4 decimals in {line:?}");
            let score: f64 = score.parse().unwrap();
            let class: i8 = class.parse().unwrap();
            assert!((-1.0..=1.0).contains(&score), "{line:?}");
            let expected = if score >= 0.05 {
                1
            } else if score <= -0.05 {
                -1
            } else {
                0
            };
            assert_eq!(class, expected, "class agrees with the score in {line:?}");
            (score, class, text.to_owned())
        })
        .collect()
}

#[test]
fn scores_arguments_in_order() {
    let texts = [
        "LETS GOOOOO PogChamp",
        "what game is this",
        "this is NOT PogChamp",
        "so boring ResidentSleeper",
        "",
        "KEKW KEKW",
    ];
    let mut args = vec!["sentiment"];
    args.extend(texts);
    let rows = parse(&run_ok(&args));
    let got: Vec<(i8, &str)> = rows.iter().map(|(_, c, t)| (*c, t.as_str())).collect();
    assert_eq!(
        got,
        [
            (1, texts[0]),
            (0, texts[1]),
            (-1, texts[2]),
            (-1, texts[3]),
            (0, texts[4]),
            (1, texts[5]),
        ]
    );
    assert_eq!(rows[4].0, 0.0);
    // One line per argument even when an argument holds a line break.
    let out = run_ok(&["sentiment", "good\nbad", "ok"]);
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn scores_each_line_of_standard_input() {
    let input = "Sadge\r\nnot bad at all\n\nLUL\nlul\nthis stream is trash";
    let rows = parse(&run_ok_with_stdin(&["sentiment"], input.as_bytes()));
    let got: Vec<(i8, &str)> = rows.iter().map(|(_, c, t)| (*c, t.as_str())).collect();
    assert_eq!(
        got,
        [
            (-1, "Sadge"),
            (1, "not bad at all"),
            (0, ""),
            (1, "LUL"),
            (0, "lul"),
            (-1, "this stream is trash"),
        ]
    );
    // Arguments and standard input score alike.
    let from_args = parse(&run_ok(&["sentiment", "not bad at all"]));
    assert_eq!(from_args[0], rows[1]);
    // Empty input, empty output; invalid UTF-8 is scored, not refused.
    assert_eq!(run_ok_with_stdin(&["sentiment"], b""), "");
    let rows = parse(&run_ok_with_stdin(&["sentiment"], b"\xff awful\n"));
    assert_eq!(rows[0].1, -1);
}
