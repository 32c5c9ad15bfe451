//! The store on real databases: every test runs against a fresh SQLite file and a
//! fresh PostgreSQL database (`TELEMETRA_TEST_POSTGRES`, default the local server).

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use telemetra_store::{Page, SqlStore, Store, WriteBatch};
use telemetra_types::{
    ChannelId, ModerationCounts, RoomSettings, StreamState, Timestamp, ViewerCount, WindowMetrics,
};

fn window(start: i64, count: u64, is_final: bool) -> WindowMetrics {
    let id = ChannelId::parse("demo").unwrap();
    let mut w = WindowMetrics::empty(id, Timestamp(start), Timestamp(start + 60_000), is_final);
    w.message_count = count;
    w.messages_per_min = count as f64;
    w.unique_chatters = 1;
    w.viewer_last = Some(10);
    w
}

fn admin_url() -> String {
    std::env::var("TELEMETRA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs `test` on a fresh SQLite store, then on a fresh PostgreSQL database that is
/// dropped afterwards.
async fn on_both<F, Fut>(test: F)
where
    F: Fn(SqlStore) -> Fut,
    Fut: Future<Output = ()>,
{
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().unwrap();
    test(
        SqlStore::open_sqlite(&dir.path().join("telemetra.db"))
            .await
            .unwrap(),
    )
    .await;

    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "telemetra_store_test_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let admin = admin_url();
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("PostgreSQL reachable for tests");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let store = SqlStore::connect_postgres(&url).unwrap();
    store.migrate().await.unwrap();
    test(store.clone()).await;
    store.pool().close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn upserts_are_idempotent_and_final_rows_win() {
    on_both(upserts_are_idempotent_and_final_rows_win_on).await;
}

async fn upserts_are_idempotent_and_final_rows_win_on(store: SqlStore) {
    let id = ChannelId::parse("demo").unwrap();
    let stream = StreamState {
        stream_id: id.clone(),
        title: Some("t".into()),
        category: None,
        is_live: true,
        started_at: Some(Timestamp(0)),
        ended_at: None,
        last_seen: Timestamp(200_000),
        room_state: RoomSettings::default(),
    };
    let viewer = ViewerCount {
        event_id: "v1".into(),
        channel: id.clone(),
        viewer_count: 42,
        timestamp: Timestamp(1_000),
        chatter_count: None,
    };
    let batch = WriteBatch {
        windows: vec![window(0, 5, true), window(10_000, 7, false)],
        streams: vec![stream],
        viewers: vec![viewer],
        ..Default::default()
    };
    store.write(&batch).await.unwrap();
    store.write(&batch).await.unwrap();
    // A stale running value must not overwrite the final result.
    store
        .write(&WriteBatch {
            windows: vec![window(0, 3, false)],
            ..Default::default()
        })
        .await
        .unwrap();

    let ws = store
        .windows(&id, Timestamp(0), Timestamp(1_000_000))
        .await
        .unwrap();
    assert_eq!(ws.len(), 2);
    assert_eq!((ws[0].message_count, ws[0].is_final), (5, true));
    assert_eq!(ws[1].message_count, 7);
    let (streams, total) = store
        .list_streams(Page {
            page: 1,
            page_size: 10,
        })
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(streams[0].viewer_count, Some(42));
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM viewer_timeseries")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn moderation_counts_and_room_settings_round_trip() {
    on_both(moderation_and_room_on).await;
}

async fn moderation_and_room_on(store: SqlStore) {
    let id = ChannelId::parse("demo").unwrap();
    let mut w = window(0, 2, true);
    w.moderation = ModerationCounts {
        timeouts: 3,
        bans: 1,
        clears: 0,
        deletions: 5,
    };
    let state = |last_seen: i64, room_state: RoomSettings| StreamState {
        stream_id: id.clone(),
        title: None,
        category: None,
        is_live: true,
        started_at: None,
        ended_at: None,
        last_seen: Timestamp(last_seen),
        room_state,
    };
    let slow = RoomSettings {
        slow_seconds: Some(30),
        emote_only: Some(false),
        ..RoomSettings::default()
    };
    store
        .write(&WriteBatch {
            windows: vec![w.clone()],
            streams: vec![state(60_000, slow)],
            ..Default::default()
        })
        .await
        .unwrap();
    // A restarted engine reports only what it saw since: the rest is kept.
    let emote_only = RoomSettings {
        emote_only: Some(true),
        ..RoomSettings::default()
    };
    store
        .write(&WriteBatch {
            streams: vec![state(70_000, emote_only)],
            ..Default::default()
        })
        .await
        .unwrap();
    let read = store
        .windows(&id, Timestamp(0), Timestamp(1))
        .await
        .unwrap();
    assert_eq!(read[0].moderation, w.moderation);
    let stream = store.stream(&id).await.unwrap().unwrap();
    assert_eq!(
        stream.state.room_state,
        RoomSettings {
            slow_seconds: Some(30),
            emote_only: Some(true),
            ..RoomSettings::default()
        }
    );
}

#[tokio::test]
async fn current_window_is_the_one_ending_soonest_after_the_latest_event() {
    on_both(current_window_on).await;
}

async fn current_window_on(store: SqlStore) {
    let id = ChannelId::parse("demo").unwrap();
    let stream = StreamState {
        stream_id: id.clone(),
        title: None,
        category: None,
        is_live: true,
        started_at: None,
        ended_at: None,
        last_seen: Timestamp(125_000),
        room_state: RoomSettings::default(),
    };
    let windows = (0..8)
        .map(|i| window(i * 10_000 + 10_000, i as u64, false))
        .collect();
    store
        .write(&WriteBatch {
            windows,
            streams: vec![stream],
            ..Default::default()
        })
        .await
        .unwrap();
    let current = store.current_window(&id).await.unwrap().unwrap();
    // Windows end at 70 000 .. 140 000; the first ending after 125 000 ends at 130 000.
    assert_eq!(current.window_end, Timestamp(130_000));
    let series = store
        .windows(&id, Timestamp(0), Timestamp(1_000_000))
        .await
        .unwrap();
    assert_eq!(series.last().unwrap().window_end, Timestamp(130_000));
    let (streams, _) = store
        .list_streams(Page {
            page: 1,
            page_size: 10,
        })
        .await
        .unwrap();
    assert_eq!(streams[0].chat_rate, Some(current.messages_per_min));
}

#[tokio::test]
async fn viewer_series_is_thinned_and_money_is_summed_by_type() {
    on_both(read_models_on).await;
}

async fn read_models_on(store: SqlStore) {
    use telemetra_store::TopList;
    use telemetra_types::{CountEntry, Transaction, TransactionType};
    let id = ChannelId::parse("demo").unwrap();
    let viewers = (0..100)
        .map(|i| ViewerCount {
            event_id: format!("v{i}"),
            channel: id.clone(),
            viewer_count: i,
            timestamp: Timestamp(i as i64 * 5_000),
            chatter_count: None,
        })
        .collect();
    let tx = |n: u32, t: TransactionType, amount: f64| Transaction {
        transaction_id: format!("t{n}"),
        channel: id.clone(),
        transaction_type: t,
        amount,
        timestamp: Timestamp(i64::from(n) * 1_000),
        currency: None,
        username: None,
        tier: None,
        count: None,
    };
    let transactions = vec![
        tx(1, TransactionType::Donation, 10.10),
        tx(2, TransactionType::Donation, 0.20),
        tx(3, TransactionType::Bits, 1.00),
    ];
    let mut w1 = window(0, 5, true);
    w1.top_emotes = vec![CountEntry {
        name: "Kappa".into(),
        count: 4,
    }];
    let mut w2 = window(10_000, 5, true); // overlaps w1: not added again
    w2.top_emotes = vec![CountEntry {
        name: "Kappa".into(),
        count: 9,
    }];
    let mut w3 = window(60_000, 5, true);
    w3.top_emotes = vec![
        CountEntry {
            name: "Kappa".into(),
            count: 1,
        },
        CountEntry {
            name: "LUL".into(),
            count: 2,
        },
    ];
    let batch = WriteBatch {
        viewers,
        transactions,
        windows: vec![w1, w2, w3],
        ..Default::default()
    };
    store.write(&batch).await.unwrap();

    let all = store
        .viewers(&id, Timestamp(0), Timestamp(1_000_000), 1_000)
        .await
        .unwrap();
    assert_eq!(all.len(), 100);
    let thin = store
        .viewers(&id, Timestamp(0), Timestamp(1_000_000), 30)
        .await
        .unwrap();
    assert!(thin.len() <= 30 && thin.len() >= 20, "{}", thin.len());
    assert!(thin.windows(2).all(|w| w[0].timestamp < w[1].timestamp));

    let (rows, summary) = store
        .transactions(&id, Timestamp(0), Timestamp(1_000_000), 2)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2, "limit applies to the rows");
    assert_eq!(rows[0].transaction_id, "t3", "newest first");
    assert_eq!(
        (summary.count, summary.total),
        (3, 11.30),
        "summary covers the whole range"
    );
    assert_eq!(
        summary.by_type[0].transaction_type,
        TransactionType::Donation
    );
    assert_eq!(summary.by_type[0].total, 10.30);

    let emotes = store
        .top(&id, TopList::Emotes, Timestamp(0), Timestamp(1_000_000), 10)
        .await
        .unwrap();
    assert_eq!(
        emotes,
        vec![
            CountEntry {
                name: "Kappa".into(),
                count: 5
            },
            CountEntry {
                name: "LUL".into(),
                count: 2
            }
        ]
    );
}

/// The sample queries of `docs/ANALYTICS.md`, verbatim, on PostgreSQL.
#[tokio::test]
async fn documented_analytics_queries_run_and_return_rows() {
    use telemetra_types::{CountEntry, Moment, MomentType, Severity, Transaction, TransactionType};
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/ANALYTICS.md"
    ))
    .unwrap();
    let queries: Vec<&str> = doc
        .split("```sql")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(queries.len() >= 6, "{} queries", queries.len());
    on_both(move |store: SqlStore| {
        let queries = queries.clone();
        async move {
            if store.dialect() != telemetra_store::Dialect::Postgres {
                return; // The documented queries are PostgreSQL's.
            }
            let id = ChannelId::parse("demo").unwrap();
            let now = telemetra_types::now_ms();
            let mut w = window(now - 3_600_000, 40, true);
            w.sentiment_score = Some(0.7);
            w.top_emotes = vec![CountEntry {
                name: "Kappa".into(),
                count: 3,
            }];
            let batch = WriteBatch {
                windows: vec![w],
                viewers: vec![ViewerCount {
                    event_id: "v".into(),
                    channel: id.clone(),
                    viewer_count: 1_234,
                    timestamp: Timestamp(now - 3_600_000),
                    chatter_count: Some(99),
                }],
                transactions: vec![Transaction {
                    transaction_id: "t".into(),
                    channel: id.clone(),
                    transaction_type: TransactionType::Donation,
                    amount: 5.0,
                    timestamp: Timestamp(now - 3_600_000),
                    currency: None,
                    username: Some("fan".into()),
                    tier: None,
                    count: None,
                }],
                moments: vec![Moment {
                    moment_id: "m".into(),
                    stream_id: id.clone(),
                    timestamp: Timestamp(now - 3_600_000),
                    moment_type: MomentType::ChatSpike,
                    description: "Chat exploded".into(),
                    severity: Severity::High,
                    z_score: Some(4.0),
                    value: Some(40.0),
                    baseline: Some(10.0),
                    metadata: serde_json::json!({"window_start": "x"}),
                }],
                ..Default::default()
            };
            store.write(&batch).await.unwrap();
            for q in queries {
                // Counted around the unchanged query: the generic driver cannot decode
                // every PostgreSQL type the queries return.
                let counted = format!(
                    "SELECT count(*) FROM ({}) q",
                    q.trim().trim_end_matches(';')
                );
                let n: i64 = sqlx::query_scalar(&counted)
                    .fetch_one(store.pool())
                    .await
                    .unwrap_or_else(|e| panic!("{q}\n{e}"));
                assert!(n > 0, "no rows from:\n{q}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_shard_takeover_fences_the_old_owner_and_hands_over_the_checkpoint() {
    on_both(shard_takeover_on).await;
}

async fn shard_takeover_on(store: SqlStore) {
    use telemetra_store::{Checkpoint, Error};
    let (first, none) = store.claim_shard("g", 3).await.unwrap();
    assert_eq!((first.epoch, none), (1, None));
    let checkpoint = Checkpoint {
        offsets: r#"{"telemetra.events.chat":17}"#.into(),
        state: vec![0, 1, 2, 255],
    };
    let saved = WriteBatch {
        windows: vec![window(0, 5, true)],
        lease: Some(first.clone()),
        checkpoint: Some(checkpoint.clone()),
        ..Default::default()
    };
    store.write(&saved).await.unwrap();

    // Another processor takes the shard: it gets the checkpoint, and the first
    // owner's writes are refused from now on, results and all.
    let (second, handed_over) = store.claim_shard("g", 3).await.unwrap();
    assert_eq!(second.epoch, 2);
    assert_eq!(handed_over, Some(checkpoint));
    let stale = WriteBatch {
        windows: vec![window(10_000, 9, true)],
        lease: Some(first),
        ..Default::default()
    };
    let err = store.write(&stale).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Fenced {
                shard: 3,
                epoch: 1,
                ..
            }
        ),
        "{err}"
    );
    assert!(!err.is_retryable());
    let id = ChannelId::parse("demo").unwrap();
    let ws = store
        .windows(&id, Timestamp(0), Timestamp(1_000_000))
        .await
        .unwrap();
    assert_eq!(ws.len(), 1, "the fenced batch wrote nothing");

    // Groups and shards are independent.
    assert_eq!(store.claim_shard("g", 4).await.unwrap().0.epoch, 1);
    assert_eq!(store.claim_shard("other", 3).await.unwrap().1, None);
}

#[tokio::test]
async fn dead_letters_keep_their_reason_and_bytes_once() {
    on_both(dead_letters_on).await;
}

async fn dead_letters_on(store: SqlStore) {
    use telemetra_store::DeadLetter;
    use telemetra_types::{RejectReason, Rejected, Topic};
    let letter = DeadLetter {
        source: "kafka:telemetra.events.chat:3".into(),
        position: 41,
        rejected: Rejected::new(
            RejectReason::MalformedJson,
            "expected `}`",
            Some(Topic::Chat),
            b"{\"oops\xff",
        ),
    };
    let batch = WriteBatch {
        dead_letters: vec![letter.clone(), letter],
        ..Default::default()
    };
    store.write(&batch).await.unwrap();
    store.write(&batch).await.unwrap();
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT reason, raw FROM dead_letters")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(
        rows,
        [("malformed_json".to_owned(), b"{\"oops\xff".to_vec())]
    );
}

#[tokio::test]
async fn optional_numbers_can_be_null_then_set_in_the_same_statement() {
    on_both(optional_numbers_on).await;
}

async fn optional_numbers_on(store: SqlStore) {
    // A statement first run with NULL doubles, then with values (a raid moment has
    // no z-score; a statistical one has): both must be stored.
    let mut quiet = window(0, 0, true);
    quiet.sentiment_score = None;
    quiet.viewer_avg = None;
    let mut busy = window(10_000, 9, true);
    busy.sentiment_score = Some(0.25);
    busy.viewer_avg = Some(12.5);
    for w in [quiet, busy] {
        store
            .write(&WriteBatch {
                windows: vec![w],
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let id = ChannelId::parse("demo").unwrap();
    let ws = store
        .windows(&id, Timestamp(0), Timestamp(1_000_000))
        .await
        .unwrap();
    assert_eq!(
        ws.iter()
            .map(|w| (w.sentiment_score, w.viewer_avg))
            .collect::<Vec<_>>(),
        [(None, None), (Some(0.25), Some(12.5))]
    );
}
