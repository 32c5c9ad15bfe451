//! Bad input goes to the dead-letter table with its reason and bytes, and changes
//! nothing else.

use std::io::Write;

use crate::util::{assert_same_tables, dump_tables, run_ok};

#[tokio::test]
async fn every_kind_of_bad_line_is_kept_with_its_reason_and_nothing_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.jsonl");
    run_ok(&[
        "generate",
        "--events",
        "5000",
        "--out",
        clean.to_str().unwrap(),
        "--seed",
        "3",
    ]);
    let good = std::fs::read(&clean).unwrap();

    let far_future = r#"{"type":"chat","message_id":"x1","channel":"pixelqueen","username":"u","message":"hi","timestamp":"2999-01-01T00:00:00Z"}"#;
    let bad: Vec<(&[u8], &str)> = vec![
        (b"{not json at all", "malformed_json"),
        (b"\xff\xfe\x00garbage", "invalid_utf8"),
        (br#"{"type":"chat","message_id":"m1","channel":"pixelqueen"}"#, "schema_violation"),
        (br#"{"type":"viewer","event_id":"v1","channel":"Bad Channel","viewer_count":1,"timestamp":"2025-10-16T10:00:01Z"}"#, "schema_violation"),
        (br#"{"type":"transaction","transaction_id":"t1","channel":"pixelqueen","transaction_type":"refund","amount":1,"timestamp":"2025-10-16T10:00:01Z"}"#, "schema_violation"),
        (br#"{"type":"transaction","transaction_id":"t2","channel":"pixelqueen","transaction_type":"donation","amount":-5,"timestamp":"2025-10-16T10:00:01Z"}"#, "schema_violation"),
        (br#"{"type":"chat","message_id":"m2","channel":"pixelqueen","username":"u","message":"hi","timestamp":"yesterday"}"#, "schema_violation"),
        (br#"{"type":"poll","channel":"pixelqueen"}"#, "unknown_kind"),
        (far_future.as_bytes(), "future_timestamp"),
    ];
    // Interleave the bad lines with the good ones.
    let dirty = dir.path().join("dirty.jsonl");
    let mut out = std::fs::File::create(&dirty).unwrap();
    let good_lines: Vec<&[u8]> = good
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let every = good_lines.len() / (bad.len() + 1);
    // One chat message is delivered twice in a row, as a retrying producer would.
    let redelivered = (good_lines.len() / 2..good_lines.len())
        .find(|i| good_lines[*i].starts_with(br#"{"type":"chat""#))
        .expect("the generator writes chat");
    for (i, line) in good_lines.iter().enumerate() {
        out.write_all(line).unwrap();
        out.write_all(b"\n").unwrap();
        if i == redelivered {
            out.write_all(line).unwrap();
            out.write_all(b"\n").unwrap();
        }
        if i % every == every - 1 {
            if let Some((raw, _)) = bad.get(i / every) {
                out.write_all(raw).unwrap();
                out.write_all(b"\n").unwrap();
            }
        }
    }
    drop(out);
    let mut bad = bad;
    bad.push((good_lines[redelivered], "duplicate_id"));

    let summary = run_ok(&[
        "replay",
        "--input",
        dirty.to_str().unwrap(),
        "--data-dir",
        dir.path().join("d").to_str().unwrap(),
    ]);
    assert!(
        summary.contains(&format!("{} rejected", bad.len())),
        "{summary}"
    );
    run_ok(&[
        "replay",
        "--input",
        clean.to_str().unwrap(),
        "--data-dir",
        dir.path().join("c").to_str().unwrap(),
    ]);

    let mut dirty_tables = dump_tables(&dir.path().join("d")).await;
    let clean_tables = dump_tables(&dir.path().join("c")).await;
    let (_, dead) = dirty_tables.pop().unwrap();
    assert_eq!(dead.len(), bad.len());
    for (raw, reason) in &bad {
        // quote() renders the BLOB as X'..' hex: match on reason and bytes together.
        let hex: String = raw.iter().map(|b| format!("{b:02X}")).collect();
        assert!(
            dead.iter()
                .any(|row| row.contains(&format!("'{reason}'"))
                    && row.contains(&format!("X'{hex}'"))),
            "no dead letter with reason {reason} for {}:\n{dead:#?}",
            String::from_utf8_lossy(raw)
        );
    }
    let mut clean_tables = clean_tables;
    clean_tables.pop();
    assert_same_tables(&dirty_tables, &clean_tables);
}
