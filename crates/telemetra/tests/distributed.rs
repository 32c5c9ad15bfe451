//! The distributed mode's serving side on real PostgreSQL and Redis: migrations, two
//! API instances sharing one database, live fan-out through Redis, readiness.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;
use telemetra_live::{LiveHub, LiveMessage, RedisHub};
use telemetra_store::{SqlStore, Store, WriteBatch};
use telemetra_types::{ChannelId, StreamState, Timestamp, ViewerCount};
use tokio_tungstenite::tungstenite::Message;

use crate::util::{get_json, run_ok, Server, TestDb};

fn unique_prefix() -> String {
    format!(
        "telemetra-test-{}-{}:",
        std::process::id(),
        telemetra_types::now_ms()
    )
}

#[tokio::test]
async fn two_api_instances_share_postgres_and_fan_out_live_updates_from_redis() {
    let db = TestDb::create().await;
    run_ok(&["migrate", "--postgres", &db.url]);
    // Migrating again is a no-op.
    assert!(run_ok(&["migrate", "--postgres", &db.url]).contains("up to date"));

    // Results as a processor would have written them.
    let store = SqlStore::connect_postgres(&db.url).unwrap();
    let id = ChannelId::parse("pixelqueen").unwrap();
    let now = telemetra_types::now_ms();
    let batch = WriteBatch {
        streams: vec![StreamState {
            stream_id: id.clone(),
            title: Some("Road to top 500".into()),
            category: None,
            is_live: true,
            started_at: Some(Timestamp(now - 60_000)),
            ended_at: None,
            last_seen: Timestamp(now),
            room_state: Default::default(),
        }],
        viewers: vec![ViewerCount {
            event_id: "v1".into(),
            channel: id.clone(),
            viewer_count: 4_321,
            timestamp: Timestamp(now - 1_000),
            chatter_count: None,
        }],
        ..Default::default()
    };
    store.write(&batch).await.unwrap();

    let prefix = unique_prefix();
    let a = Server::serve(&db.url, &prefix).await;
    let b = Server::serve(&db.url, &prefix).await;
    for server in [&a, &b] {
        let body = get_json(&server.url("/api/v1/streams"), 200).await;
        assert_eq!(body["items"][0]["stream_id"], "pixelqueen", "{body}");
        assert_eq!(body["items"][0]["viewer_count"], 4_321);
        wait_ready(server).await;
    }

    // A WebSocket client on each instance; updates published once reach both.
    let mut clients = Vec::new();
    for server in [&a, &b] {
        let (mut ws, _) =
            tokio_tungstenite::connect_async(format!("ws://{}/ws/live/pixelqueen", server.base))
                .await
                .unwrap();
        let first = next_json(&mut ws).await;
        assert_eq!(first["type"], "snapshot");
        assert_eq!(first["stream"]["title"], "Road to top 500");
        clients.push(ws);
    }
    let publisher = RedisHub::start("redis://127.0.0.1:6379", &prefix, true, false).unwrap();
    let mut received: Vec<Vec<Value>> = vec![Vec::new(), Vec::new()];
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut n = 0u64;
    while received.iter().any(|r| r.len() < 3) {
        assert!(
            Instant::now() < deadline,
            "fan-out incomplete: {received:?}"
        );
        n += 1;
        publisher.publish(
            &id,
            &LiveMessage::Viewers {
                viewer_count: 5_000 + n,
                timestamp: Timestamp(now + n as i64),
            },
        );
        for (ws, got) in clients.iter_mut().zip(received.iter_mut()) {
            while let Ok(Some(Ok(Message::Text(t)))) =
                tokio::time::timeout(Duration::from_millis(100), ws.next()).await
            {
                got.push(serde_json::from_str(&t).unwrap());
            }
        }
    }
    // Both instances relay the same messages in the same order (a client may have
    // subscribed a moment later than the other: compare from the first common one).
    let start = received[0][0]["viewer_count"]
        .as_u64()
        .max(received[1][0]["viewer_count"].as_u64());
    let from = |r: &Vec<Value>| {
        r.iter()
            .skip_while(|v| v["viewer_count"].as_u64() < start)
            .cloned()
            .collect::<Vec<_>>()
    };
    let (ra, rb) = (from(&received[0]), from(&received[1]));
    let common = ra.len().min(rb.len());
    assert!(common >= 2, "{received:?}");
    assert_eq!(ra[..common], rb[..common]);
    assert!(ra.iter().all(|v| v["type"] == "viewers"));

    drop((a, b, clients));
    store.pool().close().await;
    db.drop_now().await;
}

#[tokio::test]
async fn serve_reports_not_ready_while_postgres_is_unreachable() {
    // Nothing listens on this port: the instance must start, answer /health, and
    // say it is not ready instead of crashing.
    let port = crate::util::free_port();
    let server = Server::serve(
        &format!("postgres://postgres@127.0.0.1:{port}/none"),
        &unique_prefix(),
    )
    .await;
    let r = reqwest::get(server.url("/ready")).await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["store"], "unreachable", "{body}");
    let r = reqwest::get(server.url("/api/v1/streams")).await.unwrap();
    assert_eq!(
        r.status().as_u16(),
        503,
        "a store outage is a retryable 503"
    );
    let body: Value = r.json().await.unwrap();
    assert!(
        !body["error"].as_str().unwrap().contains("127.0.0.1"),
        "no internals in errors: {body}"
    );
}

async fn wait_ready(server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = reqwest::get(server.url("/ready")).await.unwrap();
        if r.status().is_success() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not ready: {}\n{}",
            r.text().await.unwrap(),
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn next_json<S>(ws: &mut S) -> Value
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).unwrap(),
            Ok(Some(Ok(_))) => continue,
            other => panic!("no message: {other:?}"),
        }
    }
}
