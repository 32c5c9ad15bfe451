//! `telemetra bench ws`: many concurrent live WebSocket clients against a running
//! server (`run` or `serve`), measuring how many connect, how many messages each
//! receives, the server's memory per client (with `--server-pid`) and the delay of
//! `viewers` updates from their event time to their arrival.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::StreamExt;
use telemetra_types::{now_ms, Timestamp};
use tokio_tungstenite::tungstenite::Message;

use crate::cli::BenchWsArgs;

/// What the clients share.
#[derive(Default)]
struct Shared {
    /// Set while messages are counted.
    measuring: AtomicBool,
    /// Set when the clients should close.
    stop: AtomicBool,
    connected: AtomicU64,
    failed: AtomicU64,
    /// Connections that ended on their own while measuring.
    dropped: AtomicU64,
}

/// One client's result: messages received while measuring, and the delays (ms) of
/// the `viewers` updates among them.
struct ClientResult {
    connected: bool,
    messages: u64,
    delays_ms: Vec<i64>,
}

pub async fn bench_ws(args: BenchWsArgs) -> Result<()> {
    let base = args.url.trim_end_matches('/').to_owned();
    let Some(host) = base
        .strip_prefix("http://")
        .or_else(|| base.strip_prefix("https://"))
    else {
        bail!("--url must start with http:// (e.g. http://127.0.0.1:8000)");
    };
    let ws_base = if base.starts_with("https://") {
        format!("wss://{host}")
    } else {
        format!("ws://{host}")
    };
    let channels = match args.channels.is_empty() {
        false => args.channels.clone(),
        true => list_channels(&base).await?,
    };
    if channels.is_empty() {
        bail!("the server lists no channels yet; wait for data or pass --channels");
    }
    let rss_before = args.server_pid.and_then(rss_kb);
    eprintln!(
        "opening {} WebSocket clients over {} channels ({} connecting at once)...",
        args.clients,
        channels.len(),
        args.connect_concurrency
    );
    let shared = Arc::new(Shared::default());
    let gate = Arc::new(tokio::sync::Semaphore::new(args.connect_concurrency.max(1)));
    let started = Instant::now();
    let mut clients = Vec::with_capacity(args.clients);
    for i in 0..args.clients {
        let url = format!("{ws_base}/ws/live/{}", channels[i % channels.len()]);
        let (shared, gate) = (shared.clone(), gate.clone());
        clients.push(tokio::spawn(client(url, shared, gate)));
    }
    // Wait until every client has connected or failed.
    let deadline = Instant::now() + args.connect_timeout;
    loop {
        let done = shared.connected.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed);
        if done >= args.clients as u64 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connect_secs = started.elapsed().as_secs_f64();
    let connected = shared.connected.load(Ordering::Relaxed);
    let failed = shared.failed.load(Ordering::Relaxed);
    println!(
        "connected: {connected} of {} in {connect_secs:.1} s ({failed} failed)",
        args.clients
    );
    // Let the snapshots and the server settle before measuring.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_connected = args.server_pid.and_then(rss_kb);
    shared.measuring.store(true, Ordering::Relaxed);
    tokio::time::sleep(args.seconds).await;
    shared.measuring.store(false, Ordering::Relaxed);
    let rss_after = args.server_pid.and_then(rss_kb);
    shared.stop.store(true, Ordering::Relaxed);
    let mut results = Vec::with_capacity(clients.len());
    for c in clients {
        if let Ok(r) = c.await {
            results.push(r);
        }
    }
    let secs = args.seconds.as_secs_f64();
    let mut per_client: Vec<f64> = results
        .iter()
        .filter(|r| r.connected)
        .map(|r| r.messages as f64 / secs)
        .collect();
    per_client.sort_by(f64::total_cmp);
    let total: u64 = results.iter().map(|r| r.messages).sum();
    println!(
        "messages: {total} in {secs:.0} s = {:.0}/s in all; per client: median {:.2}/s, min {:.2}/s, max {:.2}/s; {} connections ended while measuring",
        total as f64 / secs,
        quantile(&per_client, 0.5),
        per_client.first().copied().unwrap_or(0.0),
        per_client.last().copied().unwrap_or(0.0),
        shared.dropped.load(Ordering::Relaxed),
    );
    let mut delays: Vec<i64> = results.into_iter().flat_map(|r| r.delays_ms).collect();
    delays.sort_unstable();
    if delays.is_empty() {
        println!("viewer updates: none received while measuring");
    } else {
        let q = |p: f64| delays[((delays.len() - 1) as f64 * p).round() as usize];
        println!(
            "viewer updates, event time → client: {} samples, p50 {} ms, p90 {} ms, p99 {} ms, max {} ms",
            delays.len(),
            q(0.5),
            q(0.9),
            q(0.99),
            delays[delays.len() - 1]
        );
    }
    if let (Some(before), Some(with)) = (rss_before, rss_connected) {
        let per = (with as f64 - before as f64) * 1024.0 / connected.max(1) as f64;
        println!(
            "server RSS: {} MB before, {} MB with the clients connected, {} MB after measuring; {:.1} KB per client",
            before / 1024,
            with / 1024,
            rss_after.unwrap_or(0) / 1024,
            per / 1024.0
        );
    }
    Ok(())
}

async fn client(
    url: String,
    shared: Arc<Shared>,
    gate: Arc<tokio::sync::Semaphore>,
) -> ClientResult {
    let mut result = ClientResult {
        connected: false,
        messages: 0,
        delays_ms: Vec::new(),
    };
    let socket = {
        let _permit = gate.acquire().await;
        tokio_tungstenite::connect_async(&url).await
    };
    let mut socket = match socket {
        Ok((s, _)) => s,
        Err(e) => {
            if shared.failed.fetch_add(1, Ordering::Relaxed) < 3 {
                eprintln!("connecting failed: {e}");
            }
            return result;
        }
    };
    result.connected = true;
    shared.connected.fetch_add(1, Ordering::Relaxed);
    while !shared.stop.load(Ordering::Relaxed) {
        let next = tokio::time::timeout(Duration::from_millis(200), socket.next()).await;
        let message = match next {
            Err(_) => continue,
            Ok(Some(Ok(m))) => m,
            Ok(Some(Err(_))) | Ok(None) => {
                if shared.measuring.load(Ordering::Relaxed) {
                    shared.dropped.fetch_add(1, Ordering::Relaxed);
                }
                return result;
            }
        };
        let Message::Text(text) = message else {
            continue; // pings are answered by the library
        };
        if !shared.measuring.load(Ordering::Relaxed) {
            continue;
        }
        result.messages += 1;
        if text.contains("\"type\":\"viewers\"") {
            if let Some(at) = viewer_time(&text) {
                result.delays_ms.push(now_ms() - at.0);
            }
        }
    }
    let _ = socket.close(None).await;
    result
}

/// The event time of a `viewers` message.
fn viewer_time(text: &str) -> Option<Timestamp> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    serde_json::from_value(value.get("timestamp")?.clone()).ok()
}

/// Channel ids from `GET /api/v1/streams`.
async fn list_channels(base: &str) -> Result<Vec<String>> {
    let url = format!("{base}/api/v1/streams?page_size=100");
    let body: serde_json::Value = reqwest::get(&url)
        .await
        .with_context(|| format!("GET {url}"))?
        .error_for_status()
        .with_context(|| format!("GET {url}"))?
        .json()
        .await
        .with_context(|| format!("GET {url}: not JSON"))?;
    let items = body
        .get("items")
        .or_else(|| body.get("streams"))
        .and_then(|v| v.as_array())
        .or_else(|| body.as_array())
        .cloned()
        .unwrap_or_default();
    Ok(items
        .iter()
        .filter_map(|s| {
            s.get("stream_id")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
        .collect())
}

/// Resident set size of a process, from `/proc` (Linux only).
fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}
