//! The distributed mode end to end on a real Kafka-protocol broker, PostgreSQL and
//! Redis: `produce` → `process` gives the tables `replay` gives for the same file,
//! through kill -9 at any point, scale-out and rebalances, a database outage and a
//! broker outage.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use telemetra_store::SqlStore;

use crate::util::{
    assert_same_tables, dump_store, free_port, get_json, kafka_broker, replay, run_ok,
    start_nisshi, Proc, TestDb,
};

/// Invalid input mixed into the test files, one of each kind of fault: each must reach
/// the dead-letter path, for the same reason in both modes.
const BAD_LINES: &[&[u8]] = &[
    br#"{"message_id": "m-bad-1", "channel": "x", "username": "u", "message": "hi""#,
    b"\xff\xfe\x00{\"not\": \"utf-8\"}",
    br#"{"type":"chat","message_id":"m-bad-2","channel":"pixelqueen"}"#,
    br#"{"message_id": "m-bad-3", "channel": "NOT A CHANNEL", "username": "u", "message": "hi", "timestamp": "2025-10-16T10:00:01Z"}"#,
    br#"{"transaction_id": "t-bad-1", "channel": "somebody", "transaction_type": "donation", "amount": -5, "timestamp": "2025-10-16T10:00:02Z"}"#,
    br#"{"type":"transaction","transaction_id":"t-bad-2","channel":"pixelqueen","transaction_type":"refund","amount":1,"timestamp":"2025-10-16T10:00:01Z"}"#,
    br#"{"type":"viewer","event_id":"v-bad-1","channel":"pixelqueen","viewer_count":"many","timestamp":"2025-10-16T10:00:01Z"}"#,
    br#"{"type":"chat","message_id":"m-bad-4","channel":"pixelqueen","username":"u","message":"hi","timestamp":"yesterday"}"#,
    br#"{"type":"poll","channel":"pixelqueen"}"#,
    br#"{"type":"chat","message_id":"m-bad-5","channel":"pixelqueen","username":"u","message":"hi","timestamp":"2999-01-01T00:00:00Z"}"#,
];

/// An oversize event (over the 64 KiB limit), built at run time.
fn oversize_line() -> Vec<u8> {
    format!(
        r#"{{"type":"chat","message_id":"m-big","channel":"pixelqueen","username":"u","message":"{}","timestamp":"2025-10-16T10:00:01Z"}}"#,
        "a".repeat(70_000)
    )
    .into_bytes()
}

/// Rejected input expected per reason.
const EXPECTED_REASONS: &[(&str, usize)] = &[
    ("future_timestamp", 1),
    ("invalid_utf8", 1),
    ("malformed_json", 1),
    ("oversize", 1),
    ("schema_violation", 6),
    ("unknown_kind", 1),
];

/// One isolated distributed deployment: its own topics, consumer group, database
/// and Redis prefix.
struct Deployment {
    name: String,
    brokers: String,
    db: TestDb,
    dir: tempfile::TempDir,
}

impl Deployment {
    async fn new(label: &str) -> Deployment {
        Self::on(kafka_broker(), label).await
    }

    /// A deployment on the broker at `brokers`.
    async fn on(brokers: &str, label: &str) -> Deployment {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "t{}-{}-{label}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let db = TestDb::create().await;
        run_ok(&["migrate", "--postgres", &db.url]);
        Deployment {
            name,
            brokers: brokers.to_owned(),
            db,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn kafka_args(&self) -> Vec<String> {
        let mut args = vec!["--brokers".to_owned(), self.brokers.clone()];
        for topic in ["chat", "viewer", "transactions", "stream-meta", "dlq"] {
            args.push(format!("--topic-{topic}"));
            args.push(format!("{}.{topic}", self.name));
        }
        args
    }

    fn produce(&self, file: &Path, partitions: u32) -> String {
        let mut args = vec!["produce".to_owned()];
        args.extend(self.kafka_args());
        args.extend([
            "--input".into(),
            file.display().to_string(),
            "--partitions".into(),
            partitions.to_string(),
        ]);
        run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// A processor of this deployment's group, writing to `postgres`.
    fn process_with(&self, postgres: &str, extra: &[&str], log: &str) -> Proc {
        self.process_via(postgres, "redis://127.0.0.1:6379", extra, log)
    }

    /// A processor of this deployment's group, writing to `postgres` and `redis`.
    fn process_via(&self, postgres: &str, redis: &str, extra: &[&str], log: &str) -> Proc {
        let mut args = vec!["process".to_owned()];
        args.extend(self.kafka_args());
        args.extend(
            [
                "--group-id",
                &self.name,
                "--postgres",
                postgres,
                "--redis",
                redis,
                "--redis-prefix",
                &format!("{}:", self.name),
                "--checkpoint-interval",
                "300ms",
                // A killed member's shards move on after 6 s instead of 45 s.
                "-X",
                "session.timeout.ms=6000",
                "-X",
                "heartbeat.interval.ms=500",
            ]
            .map(str::to_owned),
        );
        args.extend(extra.iter().map(|s| s.to_string()));
        Proc::spawn(&args, self.dir.path(), log)
    }

    fn process(&self, extra: &[&str], log: &str) -> Proc {
        self.process_with(&self.db.url.clone(), extra, log)
    }

    /// Runs a processor that stops at the end of the input, to completion.
    async fn drain(&self, log: &str) {
        self.process(&["--stop-at-end"], log)
            .wait_success(Duration::from_secs(120))
            .await;
    }

    async fn store(&self) -> SqlStore {
        SqlStore::connect_postgres(&self.db.url).unwrap()
    }

    /// Input records covered by saved checkpoints, over all shards.
    async fn checkpointed(&self) -> i64 {
        let store = self.store().await;
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT offsets FROM processor_checkpoints WHERE group_id = $1")
                .bind(&self.name)
                .fetch_all(store.pool())
                .await
                .unwrap_or_default();
        store.pool().close().await;
        rows.iter()
            .map(|o| {
                let offsets: std::collections::BTreeMap<String, i64> =
                    serde_json::from_str(o).unwrap();
                offsets.values().sum::<i64>()
            })
            .sum()
    }

    /// Waits until checkpoints cover `records` input records.
    async fn wait_for(&self, records: f64, procs: &[&Proc]) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while (self.checkpointed().await as f64) < records {
            let logs: Vec<String> = procs.iter().map(|p| p.log()).collect();
            assert!(
                Instant::now() < deadline,
                "no progress:\n{}",
                logs.join("\n")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn dump(&self) -> Vec<(String, Vec<String>)> {
        let store = self.store().await;
        let dump = dump_store(&store).await;
        store.pool().close().await;
        dump
    }

    async fn finish(self) {
        self.db.drop_now().await;
    }
}

/// A generated event file with the invalid lines appended, and what `replay` stores
/// for it.
async fn input_and_reference(dir: &Path, events: u64) -> (PathBuf, Vec<(String, Vec<String>)>) {
    let file = dir.join("events.jsonl");
    run_ok(&[
        "generate",
        "--events",
        &events.to_string(),
        "--channels",
        "12",
        "--seed",
        "11",
        // Slow enough that the input spans many windows and moments fire.
        "--rate",
        "40",
        "--out",
        file.to_str().unwrap(),
    ]);
    let mut bytes = std::fs::read(&file).unwrap();
    for line in BAD_LINES
        .iter()
        .copied()
        .chain([oversize_line().as_slice()])
    {
        bytes.extend_from_slice(line);
        bytes.push(b'\n');
    }
    std::fs::write(&file, bytes).unwrap();
    let data = dir.join("reference");
    replay(&file, &data);
    sqlx::any::install_default_drivers();
    let store = SqlStore::open_sqlite(&data.join("telemetra.db"))
        .await
        .unwrap();
    let reference = dump_store(&store).await;
    (file, reference)
}

fn rows(dump: &[(String, Vec<String>)], table: &str) -> usize {
    dump.iter()
        .find(|(t, _)| t == table)
        .map_or(0, |(_, r)| r.len())
}

#[tokio::test]
async fn produce_then_process_stores_exactly_what_replay_stores() {
    let dir = tempfile::tempdir().unwrap();
    let (file, reference) = input_and_reference(dir.path(), 30_000).await;
    assert!(
        rows(&reference, "windows") > 500 && rows(&reference, "moments") > 0,
        "{} windows, {} moments",
        rows(&reference, "windows"),
        rows(&reference, "moments")
    );
    assert_eq!(rows(&reference, "dead_letters"), BAD_LINES.len() + 1);

    let d = Deployment::new("e2e").await;
    let out = d.produce(&file, 4);
    assert!(
        out.contains(&format!("produced {} events", 30_000 + BAD_LINES.len() + 1)),
        "{out}"
    );
    d.drain("process").await;
    assert_same_tables(&reference, &d.dump().await);

    // Rejected input also went to the dead-letter topic, with its reason.
    let letters = read_topic(&format!("{}.dlq", d.name), BAD_LINES.len() + 1).await;
    let mut reasons = std::collections::BTreeMap::new();
    for (reason, _) in &letters {
        *reasons.entry(reason.as_str()).or_insert(0) += 1;
    }
    assert_eq!(
        reasons.into_iter().collect::<Vec<_>>(),
        EXPECTED_REASONS,
        "{letters:?}"
    );
    assert!(letters
        .iter()
        .any(|(_, raw)| raw.as_bytes() == BAD_LINES[0]));
    d.finish().await;
}

#[tokio::test]
async fn kill_9_at_any_point_loses_nothing_and_counts_nothing_twice() {
    // More input than the other tests: a restarted processor catches up on its backlog
    // in bursts, and with less it could reach the end before the next kill lands.
    const EVENTS: u64 = 150_000;
    let dir = tempfile::tempdir().unwrap();
    let (file, reference) = input_and_reference(dir.path(), EVENTS).await;
    let d = Deployment::new("crash").await;
    d.produce(&file, 4);
    let total = (EVENTS as usize + BAD_LINES.len() + 1) as i64;
    let (mut kills, mut mid_stream) = (0, 0);
    for (i, fraction) in [0.15, 0.45, 0.75].into_iter().enumerate() {
        let metrics = format!("127.0.0.1:{}", free_port());
        let p = d.process(&["--metrics-listen", &metrics], &format!("process-{i}"));
        d.wait_for(fraction * total as f64, &[&p]).await;
        if i == 0 {
            // The processor's own endpoints, while it works.
            let ready = get_json(&format!("http://{metrics}/ready"), 200).await;
            assert_eq!(ready["postgres"], true);
            let text = reqwest::get(format!("http://{metrics}/metrics"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                text.contains("telemetra_consumer_lag{topic=\"chat\"}"),
                "{text}"
            );
            assert!(!text.contains("telemetra_events_received_total{topic=\"chat\"} 0"));
            crate::run::assert_promtool_accepts(&text);
        }
        p.kill();
        kills += 1;
        // A fast processor may finish the last quarter within one checkpoint interval
        // before the third kill; the earlier ones land mid-stream regardless.
        if d.checkpointed().await < total {
            mid_stream += 1;
        }
    }
    assert_eq!(kills, 3);
    assert!(
        mid_stream >= 2,
        "the kills landed mid-stream ({mid_stream} of 3)"
    );
    d.drain("process-final").await;
    assert_same_tables(&reference, &d.dump().await);
    d.finish().await;
}

#[tokio::test]
async fn processors_joining_and_leaving_the_group_give_the_same_tables_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let (file, reference) = input_and_reference(dir.path(), 60_000).await;
    let total = (60_000 + BAD_LINES.len() + 1) as i64;
    let d = Deployment::new("scale").await;
    d.produce(&file, 6);
    let a = d.process(&[], "process-a");
    let b = d.process(&[], "process-b");
    d.wait_for(0.2 * total as f64, &[&a, &b]).await;
    // A third member joins mid-stream: the group rebalances and shards move with
    // their checkpoints.
    let c = d.process(&[], "process-c");
    d.wait_for(0.5 * total as f64, &[&a, &b, &c]).await;
    // One leaves cleanly (SIGTERM: it saves and hands its shards over).
    std::process::Command::new("kill")
        .args(["-TERM", &b.child.id().to_string()])
        .status()
        .unwrap();
    b.wait_success(Duration::from_secs(60)).await;
    d.wait_for(total as f64, &[&a, &c]).await;
    // b's checkpoints may already cover its shards' input: the others take them over
    // in the rebalance after it left, which can come after the input is all done.
    let deadline = Instant::now() + Duration::from_secs(30);
    let takeovers = || {
        format!("{}{}", a.log(), c.log())
            .matches("Took over a shard")
            .count()
    };
    while takeovers() <= 6 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        takeovers() > 6,
        "the shards moved between members:\n{}{}",
        a.log(),
        c.log()
    );
    a.kill();
    c.kill();
    d.drain("process-final").await;
    assert_same_tables(&reference, &d.dump().await);
    d.finish().await;
}

#[tokio::test]
async fn a_database_outage_stalls_processing_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (file, reference) = input_and_reference(dir.path(), 30_000).await;
    let d = Deployment::new("outage").await;
    d.produce(&file, 4);
    // The processor reaches PostgreSQL through a proxy the test can cut.
    let proxy = Proxy::start("127.0.0.1:5432").await;
    let via_proxy = d.db.url.replace("127.0.0.1:5432", &proxy.addr);
    let p = d.process_with(&via_proxy, &["--stop-at-end"], "process");
    d.wait_for(5_000.0, &[&p]).await;
    proxy.set_up(false);
    let during = d.checkpointed().await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        d.checkpointed().await,
        during,
        "nothing is saved while the database is away"
    );
    assert!(p.log().contains("retrying"), "{}", p.log());
    proxy.set_up(true);
    p.wait_success(Duration::from_secs(120)).await;
    assert_same_tables(&reference, &d.dump().await);
    d.finish().await;
}

#[tokio::test]
async fn without_redis_live_updates_stop_but_results_are_all_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (file, reference) = input_and_reference(dir.path(), 20_000).await;
    let d = Deployment::new("no-redis").await;
    d.produce(&file, 4);
    // Nothing listens there: every connection attempt is refused.
    let nowhere = format!("redis://127.0.0.1:{}", free_port());
    let p = d.process_via(&d.db.url.clone(), &nowhere, &["--stop-at-end"], "process");
    p.wait_success(Duration::from_secs(120)).await;
    assert_same_tables(&reference, &d.dump().await);
    d.finish().await;
}

// Several workers: the proxy's tasks must run while the test blocks on `produce`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_outage_makes_the_processor_unready_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (file, reference) = input_and_reference(dir.path(), 30_000).await;
    let total = (30_000 + BAD_LINES.len() + 1) as f64;
    // A broker of its own that clients reach only through a proxy the test can cut:
    // it advertises the proxy's address, so every connection goes through it.
    let broker_addr = format!("127.0.0.1:{}", free_port());
    let proxy = Proxy::start(&broker_addr).await;
    let broker_dir = tempfile::tempdir().unwrap();
    let _broker = KillOnDrop(start_nisshi(&broker_addr, &proxy.addr, broker_dir.path()));
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(&broker_addr).is_err() {
        assert!(Instant::now() < deadline, "the broker did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let d = Deployment::on(&proxy.addr, "broker-outage").await;
    d.produce(&file, 4);
    let metrics = format!("127.0.0.1:{}", free_port());
    // A small prefetch, so that the processor needs the broker to read on: by
    // default librdkafka would fetch the whole input before the cut.
    let mut p = d.process(
        &[
            "--metrics-listen",
            &metrics,
            "-X",
            "queued.min.messages=100",
            "-X",
            "fetch.message.max.bytes=16384",
        ],
        "process",
    );
    // Cut soon after the first checkpoint, well before the input is all read.
    d.wait_for(1.0, &[&p]).await;
    let ready = wait_ready(&metrics, true, &p).await;
    assert_eq!(ready["kafka"], true, "{ready}");

    proxy.set_up(false);
    let ready = wait_ready(&metrics, false, &p).await;
    assert_eq!(ready["kafka"], false, "{ready}");
    assert_eq!(ready["postgres"], true, "{ready}");
    // Away for longer than the session timeout (6 s): the group drops the member,
    // which has to rejoin and take its shards back from their checkpoints.
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert!(
        p.child.try_wait().unwrap().is_none(),
        "the processor exited during the outage:\n{}",
        p.log()
    );
    let status = reqwest::get(format!("http://{metrics}/ready"))
        .await
        .unwrap()
        .status();
    assert_eq!(
        status.as_u16(),
        503,
        "still not ready while the broker is away"
    );
    assert!(
        (d.checkpointed().await as f64) < total,
        "the outage came before the input was all read"
    );

    proxy.set_up(true);
    let ready = wait_ready(&metrics, true, &p).await;
    assert_eq!(ready["kafka"], true, "{ready}");
    d.wait_for(total, &[&p]).await;
    let log = p.log();
    assert!(log.contains("Lost contact with the Kafka brokers"), "{log}");
    assert!(log.contains("In contact with the Kafka brokers"), "{log}");
    // Memory stayed bounded through the outage and the catch-up.
    let peak_mb = peak_rss_kb(p.child.id()) / 1024;
    assert!(peak_mb > 0 && peak_mb < 512, "peak RSS {peak_mb} MB");
    std::process::Command::new("kill")
        .args(["-TERM", &p.child.id().to_string()])
        .status()
        .unwrap();
    p.wait_success(Duration::from_secs(60)).await;
    d.drain("process-final").await;
    assert_same_tables(&reference, &d.dump().await);
    d.finish().await;
}

/// Polls the processor's `/ready` until its status says `ready`; returns the body.
async fn wait_ready(addr: &str, ready: bool, p: &Proc) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = reqwest::get(format!("http://{addr}/ready")).await {
            if r.status().is_success() == ready {
                return r.json().await.unwrap();
            }
        }
        assert!(
            Instant::now() < deadline,
            "/ready did not turn {ready}:\n{}",
            p.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Peak resident set size of a process, from `/proc`.
fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// A child process killed when dropped.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads `n` messages of a topic from the beginning: (reason header, value).
async fn read_topic(topic: &str, n: usize) -> Vec<(String, String)> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::Headers;
    use rdkafka::Message;
    let topic = topic.to_owned();
    tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", kafka_broker())
            .set("group.id", format!("{topic}-reader"))
            .set("auto.offset.reset", "earliest")
            .create()
            .unwrap();
        consumer.subscribe(&[&topic]).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut out = Vec::new();
        while out.len() < n && Instant::now() < deadline {
            if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
                let reason = m
                    .headers()
                    .and_then(|h| h.iter().find(|h| h.key == "reason"))
                    .and_then(|h| h.value)
                    .map(|v| String::from_utf8_lossy(v).into_owned())
                    .unwrap_or_default();
                let raw = String::from_utf8_lossy(m.payload().unwrap_or_default()).into_owned();
                out.push((reason, raw));
            }
        }
        out
    })
    .await
    .unwrap()
}

/// A TCP proxy that can refuse and cut connections, to take a server away.
struct Proxy {
    addr: String,
    up: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Proxy {
    async fn start(target: &str) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (up, _) = tokio::sync::watch::channel(true);
        let up = std::sync::Arc::new(up);
        let (target, state) = (target.to_owned(), up.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !*state.borrow() {
                    continue; // refused: dropped at once
                }
                let mut down = state.subscribe();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = down.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { addr, up }
    }

    fn set_up(&self, up: bool) {
        self.up.send_replace(up);
    }
}

/// `ingest twitch` → Kafka → `process`: a chat session from a fake IRC server ends up
/// in PostgreSQL like in the embedded mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_twitch_session_reaches_postgres_through_kafka() {
    use crate::twitch::{privmsg, usernotice, Conn};
    use telemetra_store::Store;
    use telemetra_types::{now_ms, ChannelId, Timestamp};

    let d = Deployment::new("twitch").await;
    let irc = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let irc_url = format!("irc://{}", irc.local_addr().unwrap());
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let (played_tx, played_rx) = tokio::sync::oneshot::channel::<()>();
    let session = tokio::spawn(async move {
        let mut c = Conn::accept(&irc).await;
        c.login(&["alpha"]).await;
        for (id, user, text) in [
            ("k1", "ann", "hello"),
            ("k2", "bob", "gg"),
            ("k3", "ann", "wp"),
        ] {
            c.send(&privmsg(id, "alpha", user, "emotes=;", text)).await;
        }
        c.send(&usernotice(
            "k-sub",
            "alpha",
            "dee",
            "msg-id=sub;msg-param-cumulative-months=1;msg-param-sub-plan=1000;msg-param-sub-plan-name=Sub",
        ))
        .await;
        c.send(&format!(
            "@ban-duration=60;room-id=1;target-user-id=5;tmi-sent-ts={} :tmi.twitch.tv CLEARCHAT #alpha :bob",
            now_ms()
        ))
        .await;
        c.send("@emote-only=0;followers-only=-1;r9k=0;room-id=1;slow=30;subs-only=0 :tmi.twitch.tv ROOMSTATE #alpha")
            .await;
        played_tx.send(()).unwrap();
        // Hold the connection until the ingester is stopped.
        let _ = done_rx.await;
    });

    let mut args: Vec<String> = [
        "ingest",
        "twitch",
        "--channels",
        "alpha",
        "--irc-url",
        &irc_url,
    ]
    .map(str::to_owned)
    .to_vec();
    args.extend(d.kafka_args());
    args.extend(["--partitions".to_owned(), "2".to_owned()]);
    let ingest = Proc::spawn(&args, d.dir.path(), "ingest");
    tokio::time::timeout(Duration::from_secs(60), played_rx)
        .await
        .unwrap_or_else(|_| panic!("the session was not played:\n{}", ingest.log()))
        .unwrap();
    // Give the client a moment to read the last lines, then stop it cleanly: it flushes.
    tokio::time::sleep(Duration::from_secs(2)).await;
    std::process::Command::new("kill")
        .args(["-TERM", &ingest.child.id().to_string()])
        .status()
        .unwrap();
    let log_path = d.dir.path().join("ingest.log");
    ingest.wait_success(Duration::from_secs(60)).await;
    let log = std::fs::read_to_string(log_path).unwrap();
    // 3 chat messages, the subscription, the timeout and the room modes.
    assert!(log.contains("produced 6 events"), "{log}");
    let _ = done_tx.send(());
    session.await.unwrap();

    d.drain("process").await;
    let store = d.store().await;
    let alpha = ChannelId::parse("alpha").unwrap();
    let windows = store
        .windows(&alpha, Timestamp(0), Timestamp(now_ms() + 3_600_000))
        .await
        .unwrap();
    assert!(windows.iter().all(|w| w.is_final));
    assert_eq!(windows.iter().map(|w| w.message_count).max(), Some(3));
    assert_eq!(
        windows.iter().map(|w| w.moderation.timeouts).max(),
        Some(1),
        "the timeout is counted in its windows"
    );
    let stream = store.stream(&alpha).await.unwrap().expect("alpha is known");
    assert_eq!(stream.state.room_state.slow_seconds, Some(30));
    let subs: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM transactions WHERE stream_id = 'alpha' AND transaction_type = 'subscription'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(subs, 1);
    store.pool().close().await;
    d.finish().await;
}
