use crate::util::run_ok;

/// The chat share the bench reports for its input, in percent.
fn chat_share(out: &str) -> f64 {
    let line = out.lines().find(|l| l.starts_with("input:")).expect(out);
    let share = line
        .split(" % chat")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap();
    share.parse().expect(line)
}

/// The run lines' events/s and outputs, and the median line's events/s.
fn rates(out: &str) -> (Vec<(f64, u64)>, f64) {
    let runs = out
        .lines()
        .filter(|l| l.starts_with("run "))
        .map(|l| {
            let words: Vec<&str> = l.split([' ', '(']).collect();
            let rate = words[2].parse().expect(l);
            let at = words
                .iter()
                .position(|w| w.starts_with("outputs"))
                .expect(l);
            (rate, words[at - 1].parse().expect(l))
        })
        .collect();
    let median = out
        .lines()
        .find(|l| l.starts_with("engine: median"))
        .expect(out);
    (
        runs,
        median.split(' ').nth(2).unwrap().parse().expect(median),
    )
}

#[test]
fn bench_engine_times_every_run_and_can_keep_only_chat() {
    let args = [
        "bench",
        "engine",
        "--events",
        "4000",
        "--channels",
        "5",
        "--users",
        "300",
        "--runs",
        "3",
    ];
    let mixed = run_ok(&args);
    let share = chat_share(&mixed);
    assert!(share > 50.0 && share < 100.0, "{mixed}");
    let (runs, median) = rates(&mixed);
    assert_eq!(runs.len(), 3, "{mixed}");
    assert!(
        runs.iter()
            .all(|(rate, outputs)| *rate > 0.0 && *outputs > 0),
        "{mixed}"
    );
    assert!(runs.iter().any(|(rate, _)| *rate == median), "{mixed}");

    let chat = run_ok(&[&args[..], &["--chat-only"]].concat());
    assert_eq!(chat_share(&chat), 100.0, "{chat}");
    let (runs, _) = rates(&chat);
    assert!(runs.iter().all(|(_, outputs)| *outputs > 0), "{chat}");
}
