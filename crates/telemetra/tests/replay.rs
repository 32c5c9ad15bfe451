//! `telemetra replay` is deterministic: same file, same tables; the same events in
//! another order within the allowed lateness, the same final results.

use std::path::Path;

use crate::util::{assert_same_tables, dump_tables, replay, run_ok};

fn generate(dir: &Path, events: u64) -> std::path::PathBuf {
    let file = dir.join("events.jsonl");
    run_ok(&[
        "generate",
        "--events",
        &events.to_string(),
        "--out",
        file.to_str().unwrap(),
        "--seed",
        "7",
    ]);
    file
}

#[tokio::test]
async fn replaying_a_file_twice_gives_identical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let file = generate(dir.path(), 40_000);
    let summary = replay(&file, &dir.path().join("a"));
    assert!(summary.contains("replayed 40000 records"), "{summary}");
    replay(&file, &dir.path().join("b"));
    let a = dump_tables(&dir.path().join("a")).await;
    let b = dump_tables(&dir.path().join("b")).await;
    assert_same_tables(&a, &b);
    // And replaying into the same store again changes nothing (idempotent upserts).
    replay(&file, &dir.path().join("a"));
    assert_same_tables(&dump_tables(&dir.path().join("a")).await, &b);
    let table = |name: &str| &a.iter().find(|(t, _)| t == name).unwrap().1;
    assert_eq!(table("streams").len(), 10);
    assert!(table("chat_summary_minute").len() > 100);
    let open: i64 = {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("a").join("telemetra.db"))
            .read_only(true)
            .connect()
            .await
            .unwrap();
        sqlx::query_scalar("SELECT count(*) FROM chat_summary_minute WHERE NOT is_final")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(open, 0, "every window is final");
    assert!(!table("transactions").is_empty());
    assert!(
        !table("moments").is_empty(),
        "the scripted raid and burst are in the file"
    );
}

#[tokio::test]
async fn reordering_within_the_allowed_lateness_gives_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let file = generate(dir.path(), 40_000);
    let text = std::fs::read_to_string(&file).unwrap();
    // Move every event by a pseudo-random 0..3 s in arrival order. With the
    // generator's own jitter (up to 3 s) the disorder stays under the 10 s lateness.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut keyed: Vec<(i64, usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let t = event_time(&v);
            (t + (seed >> 33) as i64 % 3_000, i, line)
        })
        .collect();
    keyed.sort();
    let moved = keyed
        .iter()
        .enumerate()
        .filter(|(pos, (_, i, _))| pos != i)
        .count();
    assert!(
        moved > 1_000,
        "the order really changed ({moved} lines moved)"
    );
    let shuffled = dir.path().join("shuffled.jsonl");
    std::fs::write(
        &shuffled,
        keyed
            .iter()
            .map(|(_, _, l)| format!("{l}\n"))
            .collect::<String>(),
    )
    .unwrap();

    let summary = replay(&file, &dir.path().join("a"));
    let shuffled_summary = replay(&shuffled, &dir.path().join("b"));
    assert!(summary.contains(" 0 late"), "{summary}");
    assert!(shuffled_summary.contains(" 0 late"), "{shuffled_summary}");
    assert_same_tables(
        &dump_tables(&dir.path().join("a")).await,
        &dump_tables(&dir.path().join("b")).await,
    );
}

fn event_time(v: &serde_json::Value) -> i64 {
    telemetra_types::Timestamp::parse(v["timestamp"].as_str().unwrap())
        .unwrap()
        .0
}

#[test]
fn config_file_applies_under_environment_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let file = generate(dir.path(), 2_000);
    let config = dir.path().join("telemetra.toml");
    std::fs::write(&config, "[engine]\nwindow = \"60s\"\nslide = \"7s\"\n").unwrap();
    let replay = |extra: &[&str], env: Option<(&str, &str)>| {
        let mut cmd = std::process::Command::new(crate::util::bin());
        cmd.args([
            "--config",
            config.to_str().unwrap(),
            "replay",
            "--input",
            file.to_str().unwrap(),
        ])
        .args(["--data-dir", dir.path().join("d").to_str().unwrap()])
        .args(extra);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    // From the file: a slide that does not divide the window is refused at startup.
    let out = replay(&[], None);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("must divide"), "{stderr}");
    // The environment wins over the file, and a flag wins over both.
    assert!(replay(&[], Some(("TELEMETRA_SLIDE", "10s")))
        .status
        .success());
    assert!(replay(&["--slide", "10s"], Some(("TELEMETRA_SLIDE", "9s")))
        .status
        .success());
    // Unknown keys are errors, not silently ignored.
    std::fs::write(&config, "slied = \"10s\"\n").unwrap();
    let out = replay(&[], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown setting `slied`"));
}
