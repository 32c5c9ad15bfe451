//! The SQLite store on a real database file.

use telemetra_store::{Page, SqliteStore, Store, WriteBatch};
use telemetra_types::{ChannelId, StreamState, Timestamp, ViewerCount, WindowMetrics};

fn window(start: i64, count: u64, is_final: bool) -> WindowMetrics {
    let id = ChannelId::parse("demo").unwrap();
    let mut w = WindowMetrics::empty(id, Timestamp(start), Timestamp(start + 60_000), is_final);
    w.message_count = count;
    w.messages_per_min = count as f64;
    w.unique_chatters = 1;
    w.viewer_last = Some(10);
    w
}

async fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("telemetra.db"))
        .await
        .unwrap();
    (dir, store)
}

#[tokio::test]
async fn upserts_are_idempotent_and_final_rows_win() {
    let (_dir, store) = open().await;
    let id = ChannelId::parse("demo").unwrap();
    let stream = StreamState {
        stream_id: id.clone(),
        title: Some("t".into()),
        category: None,
        is_live: true,
        started_at: Some(Timestamp(0)),
        ended_at: None,
        last_seen: Timestamp(200_000),
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
async fn current_window_is_the_one_ending_soonest_after_the_latest_event() {
    let (_dir, store) = open().await;
    let id = ChannelId::parse("demo").unwrap();
    let stream = StreamState {
        stream_id: id.clone(),
        title: None,
        category: None,
        is_live: true,
        started_at: None,
        ended_at: None,
        last_seen: Timestamp(125_000),
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
    use telemetra_store::TopList;
    use telemetra_types::{CountEntry, Transaction, TransactionType};
    let (_dir, store) = open().await;
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
