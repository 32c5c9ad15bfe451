//! `telemetra run --source twitch` end to end: the real binary reads a recorded chat
//! session from a fake IRC server on 127.0.0.1 (with a RECONNECT and a dropped
//! connection in it) and viewer counts from a fake Helix API, and what the session
//! contained is what the REST API shows.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use telemetra_types::now_ms;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpListener;
use tokio::time::timeout;

use crate::util::{dump_tables, get_json, Server};

const WAIT: Duration = Duration::from_secs(30);

/// One accepted client connection, line by line.
pub(crate) struct Conn {
    lines: tokio::io::Lines<BufReader<OwnedReadHalf>>,
    write: OwnedWriteHalf,
}

impl Conn {
    pub(crate) async fn accept(listener: &TcpListener) -> Conn {
        let (stream, _) = timeout(WAIT, listener.accept())
            .await
            .expect("telemetra connects to the chat server")
            .unwrap();
        let (read, write) = stream.into_split();
        Conn {
            lines: BufReader::new(read).lines(),
            write,
        }
    }

    pub(crate) async fn recv(&mut self) -> String {
        timeout(WAIT, self.lines.next_line())
            .await
            .expect("a line from telemetra in time")
            .unwrap()
            .expect("telemetra keeps the connection open")
    }

    pub(crate) async fn send(&mut self, line: &str) {
        self.write
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
    }

    /// Expects the anonymous login and a JOIN of every channel; welcomes the client.
    pub(crate) async fn login(&mut self, channels: &[&str]) {
        let mut saw = Vec::new();
        let mut joined = Vec::new();
        while joined.len() < channels.len() {
            let line = self.recv().await;
            match line.strip_prefix("JOIN #") {
                Some(ch) => joined.push(ch.to_owned()),
                None => saw.push(line),
            }
        }
        joined.sort();
        assert_eq!(joined, channels, "joined channels");
        assert!(
            saw.iter()
                .any(|l| l == "CAP REQ :twitch.tv/tags twitch.tv/commands"),
            "{saw:?}"
        );
        let nick = saw
            .iter()
            .find_map(|l| l.strip_prefix("NICK justinfan"))
            .expect("an anonymous justinfan login");
        self.send(&format!(
            ":tmi.twitch.tv 001 justinfan{nick} :Welcome, GLHF!"
        ))
        .await;
        self.send(":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands")
            .await;
    }
}

pub(crate) fn privmsg(id: &str, channel: &str, user: &str, extra_tags: &str, text: &str) -> String {
    format!(
        "@badge-info=;badges=subscriber/3;color=#1E90FF;display-name={user};{extra_tags}id={id};mod=0;room-id=1;subscriber=1;tmi-sent-ts={};turbo=0;user-id=7;user-type= :{user}!{user}@{user}.tmi.twitch.tv PRIVMSG #{channel} :{text}",
        now_ms()
    )
}

pub(crate) fn usernotice(id: &str, channel: &str, login: &str, tags: &str) -> String {
    format!(
        "@badge-info=;badges=;color=;display-name={login};emotes=;id={id};login={login};mod=0;{tags};room-id=1;subscriber=0;system-msg=;tmi-sent-ts={};user-id=9;user-type= :tmi.twitch.tv USERNOTICE #{channel}",
        now_ms()
    )
}

/// A fake Helix: a token for the client credentials, then live viewer counts.
async fn fake_helix() -> (String, Arc<Mutex<u32>>) {
    use axum::routing::{get, post};
    let polls = Arc::new(Mutex::new(0u32));
    let seen = polls.clone();
    let app = axum::Router::new()
        .route(
            "/oauth2/token",
            post(|| async { axum::Json(json!({"access_token": "t", "expires_in": 3600, "token_type": "bearer"})) }),
        )
        .route(
            "/helix/streams",
            get(move || {
                *seen.lock().unwrap() += 1;
                async {
                    axum::Json(json!({"data": [{"user_login": "alpha", "viewer_count": 1234, "started_at": "2025-10-16T09:00:00Z", "type": "live"}], "pagination": {}}))
                }
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, polls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_twitch_session_reaches_the_store_through_reconnects() {
    let irc = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let irc_url = format!("irc://{}", irc.local_addr().unwrap());
    let (helix, helix_polls) = fake_helix().await;
    let emote_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(emote_file.path(), "# BTTV\nKEKW\n").unwrap();

    // The chat server side of the session runs next to the binary.
    let session = tokio::spawn(async move {
        let channels = ["alpha", "beta"];
        // Connection 1: login, PING/PONG, chat, then RECONNECT.
        let mut c = Conn::accept(&irc).await;
        c.login(&channels).await;
        c.send("PING :tmi.twitch.tv").await;
        assert_eq!(c.recv().await, "PONG :tmi.twitch.tv");
        c.send(&privmsg(
            "m1",
            "alpha",
            "ann",
            "emotes=25:0-4;",
            "Kappa hello",
        ))
        .await;
        c.send(&privmsg("m2", "alpha", "bob", "emotes=;", "KEKW KEKW"))
            .await;
        c.send(&privmsg("b1", "beta", "cat", "emotes=;", "hi beta"))
            .await;
        c.send("@this line is broken").await;
        c.send(":tmi.twitch.tv RECONNECT").await;

        // Connection 2: the client came back and rejoined; money, a raid, moderation.
        let mut c = Conn::accept(&irc).await;
        c.login(&channels).await;
        c.send(&usernotice(
            "u-sub",
            "alpha",
            "dee",
            "msg-id=sub;msg-param-cumulative-months=1;msg-param-sub-plan=1000;msg-param-sub-plan-name=Sub",
        ))
        .await;
        c.send(&privmsg(
            "m3",
            "alpha",
            "eve",
            "bits=250;emotes=;",
            "cheer250 gg",
        ))
        .await;
        c.send(&usernotice(
            "u-raid",
            "alpha",
            "raiderchan",
            "msg-id=raid;msg-param-displayName=RaiderChan;msg-param-login=raiderchan;msg-param-viewerCount=42",
        ))
        .await;
        c.send(&format!(
            "@ban-duration=600;room-id=1;target-user-id=5;tmi-sent-ts={} :tmi.twitch.tv CLEARCHAT #alpha :troll",
            now_ms()
        ))
        .await;
        c.send("@emote-only=0;followers-only=10;r9k=0;room-id=1;slow=30;subs-only=0 :tmi.twitch.tv ROOMSTATE #alpha")
            .await;
        c.send(&usernotice(
            "u-ann",
            "alpha",
            "alpha",
            "msg-id=announcement;msg-param-color=PRIMARY",
        ))
        .await;
        // Give the client a moment to read it all, then cut the connection.
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(c);
        let dropped = Instant::now();

        // Connection 3: after a backoff delay, rejoined; more chat.
        let mut c = Conn::accept(&irc).await;
        let waited = dropped.elapsed();
        c.login(&channels).await;
        c.send(&privmsg(
            "m4",
            "alpha",
            "ann",
            "emotes=;",
            "back again KEKW",
        ))
        .await;
        c.send(&privmsg("b2", "beta", "cat", "emotes=;", "still here"))
            .await;
        // Keep the connection open until the test ends.
        (c, waited)
    });

    let server = Server::start(&[
        "--source",
        "twitch",
        "--channels",
        "alpha,beta",
        "--irc-url",
        &irc_url,
        "--emote-list",
        emote_file.path().to_str().unwrap(),
        "--helix-client-id",
        "cid",
        "--helix-client-secret",
        "secret",
        "--helix-token-url",
        &format!("{helix}/oauth2/token"),
        "--helix-api-url",
        &format!("{helix}/helix"),
        "--helix-interval",
        "1s",
        // Tumbling windows: each message is in exactly one window, so sums are counts.
        "--window",
        "10s",
        "--slide",
        "10s",
        "--lateness",
        "2s",
    ])
    .await;

    let (_conn, waited) = timeout(Duration::from_secs(60), session)
        .await
        .unwrap_or_else(|_| panic!("the session did not finish:\n{}", server.log()))
        .unwrap();
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(10),
        "reconnected after a backoff delay, not at once and not never: {waited:?}"
    );

    // What the session said is what the API shows.
    let deadline = Instant::now() + WAIT;
    loop {
        match check(&server).await {
            Ok(()) => break,
            Err(why) if Instant::now() < deadline => {
                let _ = why;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(why) => panic!("{why}\nlog:\n{}", server.log()),
        }
    }
    assert!(*helix_polls.lock().unwrap() >= 1);
    // Nothing the client sent was rejected downstream.
    let tables = dump_tables(&server.data_dir).await;
    let letters = &tables.iter().find(|(t, _)| t == "dead_letters").unwrap().1;
    assert!(letters.is_empty(), "dead letters: {letters:?}");
}

/// The session's effects, or what is still missing.
async fn check(server: &Server) -> Result<(), String> {
    let get = |path: &str| get_json(&server.url(path), 200);
    let streams = get("/api/v1/streams").await;
    let mut ids: Vec<&str> = streams["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["stream_id"].as_str())
        .collect();
    ids.sort();
    if ids != ["alpha", "beta"] {
        return Err(format!("streams: {ids:?}"));
    }
    let messages = |body: &Value| -> u64 {
        body["windows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["message_count"].as_u64().unwrap_or(0))
            .sum()
    };
    let alpha = messages(&get("/api/v1/streams/alpha/metrics").await);
    let beta = messages(&get("/api/v1/streams/beta/metrics").await);
    if (alpha, beta) != (4, 2) {
        return Err(format!("chat messages alpha {alpha}, beta {beta}"));
    }

    let money = get("/api/v1/streams/alpha/transactions").await;
    let mut txs: Vec<(String, String, f64)> = money["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["transaction_id"].as_str().unwrap().to_owned(),
                t["transaction_type"].as_str().unwrap().to_owned(),
                t["amount"].as_f64().unwrap(),
            )
        })
        .collect();
    txs.sort_by(|a, b| a.0.cmp(&b.0));
    if txs
        != [
            ("m3-bits".to_owned(), "bits".to_owned(), 2.5),
            ("u-sub".to_owned(), "subscription".to_owned(), 4.99),
        ]
    {
        return Err(format!("transactions: {txs:?}"));
    }

    let moments = get("/api/v1/streams/alpha/moments").await;
    let raid = moments["moments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["moment_type"] == "raid_incoming");
    match raid {
        Some(m) if m.to_string().contains("raiderchan") => {}
        _ => return Err(format!("no raid moment from raiderchan: {moments}")),
    }

    let emotes = get("/api/v1/streams/alpha/emotes").await;
    let count = |name: &str| {
        emotes["emotes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .and_then(|e| e["count"].as_u64())
    };
    if (count("Kappa"), count("KEKW")) != (Some(1), Some(3)) {
        return Err(format!("emotes: {emotes}"));
    }

    let chatters = get("/api/v1/streams/alpha/chatters").await;
    let ann = chatters["chatters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "ann")
        .and_then(|c| c["count"].as_u64());
    if ann != Some(2) {
        return Err(format!("chatters: {chatters}"));
    }

    let viewers = get("/api/v1/streams/alpha/viewers").await;
    let from_helix = viewers["samples"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["viewer_count"] == 1234);
    if !from_helix {
        return Err(format!("viewers: {viewers}"));
    }
    Ok(())
}
