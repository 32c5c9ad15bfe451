//! The chat client against a fake IRC server on 127.0.0.1: login, rate-limited joins,
//! PING/PONG, RECONNECT, a dropped connection, and a silent server.

use std::sync::Arc;
use std::time::Duration;

use telemetra_twitch::{client, ClientConfig, EmoteList, IrcUrl, Stats};
use telemetra_types::{ChannelId, Event};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::{timeout, Instant};

const WAIT: Duration = Duration::from_secs(10);

struct Conn {
    lines: tokio::io::Lines<BufReader<OwnedReadHalf>>,
    write: OwnedWriteHalf,
}

impl Conn {
    async fn accept(listener: &TcpListener) -> Conn {
        let (stream, _) = timeout(WAIT, listener.accept())
            .await
            .expect("client connects")
            .unwrap();
        Conn::new(stream)
    }

    fn new(stream: TcpStream) -> Conn {
        let (read, write) = stream.into_split();
        Conn {
            lines: BufReader::new(read).lines(),
            write,
        }
    }

    async fn recv(&mut self) -> String {
        timeout(WAIT, self.lines.next_line())
            .await
            .expect("a line from the client in time")
            .unwrap()
            .expect("the client keeps the connection open")
    }

    async fn send(&mut self, line: &str) {
        self.write
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
    }

    /// Reads the login, asserts it, and returns the JOINed channels with their times.
    async fn login(&mut self, joins: usize) -> Vec<(String, Instant)> {
        let mut saw = Vec::new();
        let mut joined = Vec::new();
        while joined.len() < joins {
            let line = self.recv().await;
            if let Some(ch) = line.strip_prefix("JOIN #") {
                joined.push((ch.to_owned(), Instant::now()));
            } else {
                saw.push(line);
            }
        }
        assert!(
            saw.contains(&"CAP REQ :twitch.tv/tags twitch.tv/commands".to_owned()),
            "{saw:?}"
        );
        let nick = saw
            .iter()
            .find_map(|l| l.strip_prefix("NICK "))
            .expect("NICK sent");
        let digits = nick.strip_prefix("justinfan").expect("anonymous nick");
        assert!(
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
            "{nick}"
        );
        self.send(&format!(":tmi.twitch.tv 001 {nick} :Welcome, GLHF!"))
            .await;
        self.send(":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands")
            .await;
        joined
    }
}

fn config(port: u16, channels: &[&str]) -> ClientConfig {
    let url: IrcUrl = format!("irc://127.0.0.1:{port}").parse().unwrap();
    let channels = channels
        .iter()
        .map(|c| ChannelId::parse(c).unwrap())
        .collect();
    let mut cfg = ClientConfig::new(url, channels, Arc::new(EmoteList::default()));
    cfg.backoff_initial = Duration::from_millis(400);
    cfg.backoff_max = Duration::from_secs(2);
    cfg
}

fn chat(id: &str, channel: &str) -> String {
    format!("@badges=;emotes=;id={id};tmi-sent-ts=1700000000000 :viewer!viewer@viewer.tmi.twitch.tv PRIVMSG #{channel} :hello {id}")
}

async fn next_chat(rx: &mut mpsc::Receiver<Event>) -> String {
    match timeout(WAIT, rx.recv()).await.expect("an event in time") {
        Some(Event::Chat(c)) => c.message_id,
        other => panic!("expected chat, got {other:?}"),
    }
}

#[tokio::test]
async fn login_joins_pong_reconnect_and_recovery_after_a_drop() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cfg = config(port, &["alpha", "beta", "gamma"]);
    cfg.joins_per_window = 2;
    cfg.join_window = Duration::from_millis(600);
    let (tx, mut rx) = mpsc::channel(64);
    let (stop_tx, stop) = watch::channel(false);
    let stats = Arc::new(Stats::default());
    let task = tokio::spawn(client::run(cfg, tx, stats.clone(), stop));

    // Session 1: login; the third JOIN waits for the rate-limit window.
    let mut conn = Conn::accept(&listener).await;
    let joins = conn.login(3).await;
    assert_eq!(
        joins.iter().map(|j| j.0.as_str()).collect::<Vec<_>>(),
        ["alpha", "beta", "gamma"]
    );
    let held = joins[2].1 - joins[0].1;
    assert!(
        held >= Duration::from_millis(500),
        "third JOIN after {held:?}"
    );

    conn.send("PING :tmi.twitch.tv").await;
    assert_eq!(conn.recv().await, "PONG :tmi.twitch.tv");
    conn.send(&chat("m1", "alpha")).await;
    assert_eq!(next_chat(&mut rx).await, "m1");
    // Malformed and uninteresting lines do not stop anything.
    conn.send("@ broken").await;
    conn.send(":tmi.twitch.tv 353 justinfan1 = #alpha :justinfan1")
        .await;

    // RECONNECT: a new connection and all channels joined again, at once.
    conn.send(":tmi.twitch.tv RECONNECT").await;
    let asked = Instant::now();
    let mut conn = Conn::accept(&listener).await;
    assert!(
        asked.elapsed() < Duration::from_millis(300),
        "RECONNECT is followed at once"
    );
    let joins = conn.login(3).await;
    assert_eq!(joins.len(), 3);
    conn.send(&chat("m2", "beta")).await;
    assert_eq!(next_chat(&mut rx).await, "m2");

    // The server goes away: the client comes back after a backoff delay.
    drop(conn);
    let dropped = Instant::now();
    let mut conn = Conn::accept(&listener).await;
    let waited = dropped.elapsed();
    assert!(
        waited >= Duration::from_millis(190) && waited < Duration::from_secs(3),
        "reconnected after {waited:?}"
    );
    conn.login(3).await;
    conn.send(&chat("m3", "gamma")).await;
    assert_eq!(next_chat(&mut rx).await, "m3");

    let [lines, rejected, ignored, events, connections, reconnects] = stats.snapshot();
    assert_eq!((events, connections, reconnects), (3, 3, 1));
    assert_eq!(rejected, 1, "the `@ broken` line");
    assert!(
        ignored >= 3 && lines >= 9,
        "lines {lines}, ignored {ignored}"
    );

    stop_tx.send(true).unwrap();
    timeout(WAIT, task)
        .await
        .expect("stops on shutdown")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_silent_server_is_pinged_then_left() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cfg = config(port, &["alpha"]);
    cfg.idle_ping_after = Duration::from_millis(300);
    cfg.pong_timeout = Duration::from_millis(300);
    let (tx, _rx) = mpsc::channel(8);
    let (_stop_tx, stop) = watch::channel(false);
    let task = tokio::spawn(client::run(cfg, tx, Arc::new(Stats::default()), stop));

    let mut conn = Conn::accept(&listener).await;
    conn.login(1).await;
    // Answered once: the connection stays.
    assert_eq!(conn.recv().await, "PING :telemetra");
    conn.send(":tmi.twitch.tv PONG tmi.twitch.tv :telemetra")
        .await;
    assert_eq!(conn.recv().await, "PING :telemetra");
    // Not answered: the client gives up on this connection and makes a new one.
    let mut next = Conn::accept(&listener).await;
    next.login(1).await;
    task.abort();
}

#[tokio::test]
async fn ircs_speaks_tls_and_a_failed_handshake_is_retried() {
    use tokio::io::AsyncReadExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cfg = config(port, &["alpha"]);
    cfg.url = format!("ircs://127.0.0.1:{port}").parse().unwrap();
    let (tx, _rx) = mpsc::channel(8);
    let (_stop_tx, stop) = watch::channel(false);
    let stats = Arc::new(Stats::default());
    let task = tokio::spawn(client::run(cfg, tx, stats.clone(), stop));
    for _ in 0..2 {
        let (mut stream, _) = timeout(WAIT, listener.accept()).await.unwrap().unwrap();
        let mut head = [0u8; 3];
        stream.read_exact(&mut head).await.unwrap();
        // A TLS handshake record (a ClientHello), not an IRC line.
        assert_eq!(head, [0x16, 0x03, 0x01]);
        stream.write_all(b"NOT TLS\r\n").await.unwrap();
        drop(stream);
    }
    assert_eq!(stats.snapshot()[4], 0, "no session was established");
    task.abort();
}
