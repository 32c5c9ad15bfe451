//! `telemetra run` end to end: the real binary, its HTTP API and live WebSocket.
//!
//! Windows are shortened (10 s sliding by 2 s) so that the generator's first scripted
//! chat burst comes about 30 s after start instead of about two minutes.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use crate::util::{get_json, Server};

const FAST_WINDOWS: [&str; 6] = ["--window", "10s", "--slide", "2s", "--lateness", "3s"];

#[tokio::test]
async fn live_windows_websocket_updates_and_a_detected_chat_burst() {
    let server = Server::start(&FAST_WINDOWS).await;

    // Windows for several channels appear within seconds, with plausible counts.
    let deadline = Instant::now() + Duration::from_secs(20);
    let streams = loop {
        let body = get_json(&server.url("/api/v1/streams"), 200).await;
        let items = body["items"].as_array().unwrap().clone();
        if items.len() >= 5 && items.iter().all(|s| s["viewer_count"].is_u64()) {
            break items;
        }
        assert!(Instant::now() < deadline, "channels did not appear: {body}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(streams.len(), 10);
    let viewers: Vec<u64> = streams
        .iter()
        .map(|s| s["viewer_count"].as_u64().unwrap())
        .collect();
    assert!(
        viewers.windows(2).all(|w| w[0] >= w[1]),
        "sorted by viewers: {viewers:?}"
    );
    for s in streams.iter().take(3) {
        let id = s["stream_id"].as_str().unwrap();
        let metrics = get_json(&server.url(&format!("/api/v1/streams/{id}/metrics")), 200).await;
        let windows = metrics["windows"].as_array().unwrap();
        assert!(!windows.is_empty(), "{id} has windows");
        let w = windows.last().unwrap();
        let count = w["message_count"].as_u64().unwrap();
        assert!(count > 0 && count < 100_000, "{id}: {w}");
        assert!(w["unique_chatters"].as_u64().unwrap() <= count);
        assert!(w["viewer_last"].is_u64(), "{w}");
    }
    let top = streams[0]["stream_id"].as_str().unwrap();
    let viewers = get_json(&server.url(&format!("/api/v1/streams/{top}/viewers")), 200).await;
    assert!(
        !viewers["samples"].as_array().unwrap().is_empty(),
        "{viewers}"
    );
    let emotes = get_json(
        &server.url(&format!("/api/v1/streams/{top}/emotes?limit=5")),
        200,
    )
    .await;
    let emotes = emotes["emotes"].as_array().unwrap();
    assert!(!emotes.is_empty() && emotes.len() <= 5, "{emotes:?}");
    let chatters = get_json(&server.url(&format!("/api/v1/streams/{top}/chatters")), 200).await;
    assert!(
        chatters["chatters"][0]["count"].as_u64().unwrap() >= 1,
        "{chatters}"
    );
    let money = get_json(
        &server.url(&format!("/api/v1/streams/{top}/transactions")),
        200,
    )
    .await;
    let summary = &money["summary"];
    let by_type = summary["by_type"].as_array().unwrap();
    assert!(summary["count"].as_u64().unwrap() >= 1, "{money}");
    let sum: f64 = by_type.iter().map(|t| t["total"].as_f64().unwrap()).sum();
    assert!(
        (sum - summary["total"].as_f64().unwrap()).abs() < 0.01,
        "{summary}"
    );

    // A WebSocket client gets a snapshot, then at least two live updates quickly.
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{}/ws/live/pixelqueen", server.base))
            .await
            .expect("websocket connects");
    let mut types = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && types.iter().filter(|t| *t == "metrics").count() < 2 {
        let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(3), ws.next()).await
        else {
            break;
        };
        if let Message::Text(text) = msg {
            let v: Value = serde_json::from_str(&text).unwrap();
            types.push(v["type"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        types.first().map(String::as_str),
        Some("snapshot"),
        "{types:?}"
    );
    assert!(
        types.iter().filter(|t| *t == "metrics").count() >= 2,
        "{types:?}"
    );

    // The first scripted chat burst is detected as a chat_spike near its recorded time.
    let deadline = Instant::now() + Duration::from_secs(100);
    loop {
        let episodes =
            std::fs::read_to_string(server.data_dir.join("episodes.jsonl")).unwrap_or_default();
        let burst = episodes
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .find(|e| e["kind"] == "chat_burst");
        if let Some(burst) = burst {
            let channel = burst["channel"].as_str().unwrap();
            let start = telemetra_types::Timestamp::parse(burst["start"].as_str().unwrap())
                .unwrap()
                .0;
            let body = get_json(
                &server.url(&format!("/api/v1/streams/{channel}/moments")),
                200,
            )
            .await;
            let spikes: Vec<i64> = body["moments"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["moment_type"] == "chat_spike")
                .map(|m| {
                    telemetra_types::Timestamp::parse(m["timestamp"].as_str().unwrap())
                        .unwrap()
                        .0
                })
                .collect();
            if let Some(t) = spikes.iter().find(|t| (**t - start).abs() <= 6_000) {
                assert_eq!(
                    spikes
                        .iter()
                        .filter(|s| (**s - start).abs() <= 10_000)
                        .count(),
                    1,
                    "one moment per burst"
                );
                assert!((*t - start).abs() <= 6_000);
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no chat_spike near the burst; episodes:\n{episodes}\nlog:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[tokio::test]
async fn bad_requests_get_clear_json_errors() {
    let server = Server::start(&[]).await;
    let cases = [
        (
            "/api/v1/streams/Not-A-Channel/metrics",
            400,
            "invalid stream id",
        ),
        ("/api/v1/streams/no_such_channel/metrics", 404, "no stream"),
        (
            "/api/v1/streams/pixelqueen/metrics?from=yesterday",
            400,
            "invalid `from`",
        ),
        (
            "/api/v1/streams/pixelqueen/metrics?from=2025-10-16T11:00:00Z&to=2025-10-16T10:00:00Z",
            400,
            "must be before",
        ),
        ("/api/v1/streams/pixelqueen/moments?limit=0", 400, "`limit`"),
        ("/api/v1/streams?page_size=100000", 400, "`page_size`"),
        (
            "/api/v1/streams/pixelqueen/transactions?limit=5000",
            400,
            "`limit`",
        ),
        (
            "/api/v1/streams/pixelqueen/viewers?to=2025-10-16",
            400,
            "invalid `to`",
        ),
        ("/api/v1/streams/Bad/emotes", 400, "invalid stream id"),
        ("/api/v1/nothing-here", 404, "no such endpoint"),
    ];
    // Let the channel exist first so range errors are not masked by a 404.
    let deadline = Instant::now() + Duration::from_secs(20);
    while get_json_status(&server.url("/api/v1/streams/pixelqueen")).await != 200 {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The API describes itself, offline.
    let doc = get_json(&server.url("/openapi.json"), 200).await;
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(doc, committed, "the served document is the committed one");
    let docs = reqwest::get(server.url("/docs"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        docs.contains("/openapi.json") && !docs.contains("https://"),
        "docs page works offline"
    );
    // Every response carries a request id; a caller's own id is kept.
    let r = reqwest::Client::new()
        .get(server.url("/health"))
        .send()
        .await
        .unwrap();
    assert!(!r.headers()["x-request-id"].is_empty());
    let r = reqwest::Client::new()
        .get(server.url("/health"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    // No CORS configured: no cross-origin access, never `*`.
    let r = reqwest::Client::new()
        .get(server.url("/api/v1/streams"))
        .header("Origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    for (path, status, needle) in cases {
        let body = get_json(&server.url(path), status).await;
        let message = body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: {body}"));
        assert!(message.contains(needle), "{path}: {message}");
    }
}

async fn get_json_status(url: &str) -> u16 {
    reqwest::get(url)
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test]
async fn run_with_an_input_file_stores_what_replay_stores() {
    use crate::util::{assert_same_tables, dump_tables, run_ok};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.jsonl");
    run_ok(&[
        "generate",
        "--events",
        "20000",
        "--out",
        file.to_str().unwrap(),
        "--seed",
        "11",
    ]);
    let replay_dir = dir.path().join("replayed");
    crate::util::replay(&file, &replay_dir);

    let server = Server::start(&["--input", file.to_str().unwrap()]).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !server.log().contains("Input finished") {
        assert!(
            Instant::now() < deadline,
            "input not finished:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // One more tick must not change anything once every window is final.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let mut live = dump_tables(&server.data_dir).await;
    let mut replayed = dump_tables(&replay_dir).await;
    // Dead letters are keyed by their source (bus partition vs file line): compare the rest.
    live.pop();
    replayed.pop();
    assert_same_tables(&live, &replayed);
}

#[tokio::test]
async fn prometheus_metrics_count_what_happened_with_bounded_labels() {
    let server = Server::start(&FAST_WINDOWS).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    loop {
        // Exercise a route with an id in it: the label must be the template.
        get_json(&server.url("/api/v1/streams/pixelqueen/metrics"), 200).await;
        let text = reqwest::get(server.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let chat = value(&text, r#"telemetra_events_received_total{topic="chat"}"#);
        let finals = value(&text, r#"telemetra_windows_emitted_total{kind="final"}"#);
        if chat > 100.0 && finals > 0.0 {
            assert!(value(&text, r#"telemetra_windows_emitted_total{kind="running"}"#) > 0.0);
            assert!(
                text.contains(r#"route="/api/v1/streams/{id}/metrics",status="2xx""#),
                "{text}"
            );
            assert!(
                !text.contains("pixelqueen"),
                "channel ids must not become label values"
            );
            assert!(text.contains("telemetra_store_write_seconds_bucket"));
            assert!(text.contains("# TYPE telemetra_watermark_delay_seconds gauge"));
            // Every sample line is `name{labels} value` with a number.
            for line in text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
            {
                let v = line.rsplit(' ').next().unwrap();
                assert!(v.parse::<f64>().is_ok(), "bad sample line: {line}");
            }
            assert_promtool_accepts(&text);
            break;
        }
        assert!(Instant::now() < deadline, "metrics did not move:\n{text}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn api_token_cors_and_security_headers() {
    let server = Server::start(&[
        "--api-token",
        "s3cret",
        "--cors-origins",
        "https://dash.example",
    ])
    .await;
    let client = reqwest::Client::new();
    let get = |path: &str, token: Option<&str>, origin: Option<&str>| {
        let mut req = client.get(server.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(o) = origin {
            req = req.header("Origin", o);
        }
        req.send()
    };
    let r = get("/api/v1/streams", None, None).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("Bearer"), "{body}");
    assert_eq!(
        get("/api/v1/streams", Some("wrong"), None)
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        get("/api/v1/streams", Some("s3cret"), None)
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    // Health, readiness and metrics stay open for probes and scrapers.
    assert_eq!(
        get("/health", None, None).await.unwrap().status().as_u16(),
        200
    );

    // WebSockets: refused without the token, accepted with it in the query.
    let url = format!("ws://{}/ws/live/pixelqueen", server.base);
    assert!(tokio_tungstenite::connect_async(url.as_str())
        .await
        .is_err());
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{url}?access_token=s3cret"))
        .await
        .unwrap();
    let Some(Ok(Message::Text(first))) = ws.next().await else {
        panic!("no snapshot")
    };
    assert!(first.contains("\"type\":\"snapshot\""));

    // CORS only for the configured origin.
    let allowed = get(
        "/api/v1/streams",
        Some("s3cret"),
        Some("https://dash.example"),
    )
    .await
    .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://dash.example"
    );
    let other = get(
        "/api/v1/streams",
        Some("s3cret"),
        Some("https://evil.example"),
    )
    .await
    .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    // Security headers on the dashboard.
    let page = get("/", None, None).await.unwrap();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
}

/// The provisioned Grafana dashboard only queries metrics the service really exports.
#[tokio::test]
async fn grafana_dashboard_queries_only_exported_metrics() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/deploy/grafana/dashboards/telemetra.json"))
            .unwrap(),
    )
    .unwrap();
    let mut queried = std::collections::BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            let mut rest = expr;
            while let Some(at) = rest.find("telemetra_") {
                let name: String = rest[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                rest = &rest[at + name.len()..];
                queried.insert(name);
            }
        }
    }
    assert!(queried.len() >= 8, "{queried:?}");
    let server = Server::start(&[]).await;
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let exported: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    for name in &queried {
        let base = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .unwrap_or(name);
        assert!(
            exported.contains(base),
            "the dashboard queries {name}, which /metrics does not export: {exported:?}"
        );
    }
}

/// `promtool check metrics` (Debian's `prometheus` package; `.ci/run` installs it)
/// validates the exposition format and Prometheus' naming conventions.
pub fn assert_promtool_accepts(text: &str) {
    use std::io::Write;
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool (apt-get install prometheus) is needed to check /metrics");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool refused the exposition:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_client_over_its_request_budget_gets_429_and_others_do_not_notice() {
    let server = Server::start(&["--rate-limit", "5"]).await;
    let client = reqwest::Client::new();
    let mut limited = None;
    for _ in 0..40 {
        let r = client
            .get(server.url("/api/v1/streams"))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status(), 200);
    }
    let r = limited.expect("40 requests at once exceed 5/s with a burst of 10");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "retry after {retry} s");
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("too many requests"));
    // Health checks and the dashboard are not limited.
    for _ in 0..20 {
        assert_eq!(
            client
                .get(server.url("/health"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    // The budget refills.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let r = client
        .get(server.url("/api/v1/streams"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
