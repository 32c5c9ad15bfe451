//! The chat connection: anonymous login, joins within Twitch's rate limit, PING/PONG,
//! RECONNECT, and reconnection with capped, jittered exponential backoff.
//!
//! <https://dev.twitch.tv/docs/chat/irc/>: an anonymous reader logs in as
//! `justinfan<digits>` (any password), asks for the `tags` and `commands`
//! capabilities, and may send 20 JOINs per 10 seconds. The server PINGs about every
//! five minutes and expects a PONG; RECONNECT means "reconnect and rejoin now".

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use rand::Rng;
use telemetra_types::{now_ms, ChannelId, Event};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::emotes::EmoteList;
use crate::events::{map_message, Mapped};
use crate::irc::{self, MAX_LINE_BYTES};

/// Where to connect: `ircs://host[:port]` (TLS, default port 6697) or
/// `irc://host[:port]` (plain TCP, default port 6667; for tests and local relays).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IrcUrl {
    /// Whether to speak TLS.
    pub tls: bool,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl IrcUrl {
    /// Twitch's TLS endpoint.
    pub const DEFAULT: &'static str = "ircs://irc.chat.twitch.tv:6697";
}

impl FromStr for IrcUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (tls, rest) = if let Some(r) = s.strip_prefix("ircs://") {
            (true, r)
        } else if let Some(r) = s.strip_prefix("irc://") {
            (false, r)
        } else {
            return Err(format!(
                "{s:?}: expected ircs://host:port or irc://host:port"
            ));
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
                let port = p
                    .parse()
                    .map_err(|_| format!("{s:?}: invalid port {p:?}"))?;
                (h, port)
            }
            _ => (rest, if tls { 6697 } else { 6667 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', ' ', '@']) {
            return Err(format!("{s:?}: invalid host"));
        }
        Ok(IrcUrl {
            tls,
            host: host.to_owned(),
            port,
        })
    }
}

impl fmt::Display for IrcUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "ircs" } else { "irc" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// Connection settings.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The server.
    pub url: IrcUrl,
    /// Channels to join.
    pub channels: Vec<ChannelId>,
    /// Third-party emote names.
    pub emotes: Arc<EmoteList>,
    /// JOINs allowed per `join_window` (Twitch: 20 per 10 s for an unverified login).
    pub joins_per_window: usize,
    /// See `joins_per_window`.
    pub join_window: Duration,
    /// After this long without any line from the server, send our own PING.
    pub idle_ping_after: Duration,
    /// If nothing arrives this long after our PING, the connection is taken as lost.
    pub pong_timeout: Duration,
    /// First reconnection delay; doubled per failed attempt.
    pub backoff_initial: Duration,
    /// Longest reconnection delay.
    pub backoff_max: Duration,
    /// A session that lasted this long resets the backoff.
    pub stable_after: Duration,
    /// Giving up on a connection attempt (TCP and TLS handshake).
    pub connect_timeout: Duration,
}

impl ClientConfig {
    /// Twitch's limits and timings for these channels at `url`.
    pub fn new(url: IrcUrl, channels: Vec<ChannelId>, emotes: Arc<EmoteList>) -> Self {
        Self {
            url,
            channels,
            emotes,
            joins_per_window: 20,
            join_window: Duration::from_secs(10),
            // Twitch PINGs about every 5 minutes; 4.5 minutes of silence is suspicious.
            idle_ping_after: Duration::from_secs(270),
            pong_timeout: Duration::from_secs(20),
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            stable_after: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(15),
        }
    }
}

/// Counters of what the client saw, shared with whoever reports them.
#[derive(Debug, Default)]
pub struct Stats {
    /// Lines received.
    pub lines: AtomicU64,
    /// Lines rejected as malformed (unparseable, or unmappable to an event).
    pub rejected: AtomicU64,
    /// Messages that carry no event (JOIN, NOTICE, announcements…).
    pub ignored: AtomicU64,
    /// Events produced.
    pub events: AtomicU64,
    /// Connections made (the first included).
    pub connections: AtomicU64,
    /// RECONNECT requests followed.
    pub reconnect_requests: AtomicU64,
}

impl Stats {
    fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// (lines, rejected, ignored, events, connections, reconnect requests) now.
    pub fn snapshot(&self) -> [u64; 6] {
        [
            &self.lines,
            &self.rejected,
            &self.ignored,
            &self.events,
            &self.connections,
            &self.reconnect_requests,
        ]
        .map(|c| c.load(Ordering::Relaxed))
    }
}

/// How a session ended.
enum End {
    /// Shutdown asked, or nobody takes events any more.
    Stop,
    /// The server sent RECONNECT.
    Reconnect,
    /// The connection failed or went silent.
    Lost(anyhow::Error),
}

/// Runs until `shutdown` turns true (or `events` is closed), reconnecting as needed.
pub async fn run(
    cfg: ClientConfig,
    events: mpsc::Sender<Event>,
    stats: Arc<Stats>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<()> {
    if cfg.channels.is_empty() {
        bail!("no Twitch channels to join");
    }
    let tls = if cfg.url.tls {
        Some(tls_connector()?)
    } else {
        None
    };
    let mut failures: u32 = 0;
    loop {
        let started = Instant::now();
        let end = tokio::select! {
            end = session(&cfg, tls.as_ref(), &events, &stats) => end,
            _ = shutdown.wait_for(|stop| *stop) => End::Stop,
        };
        let delay = match end {
            End::Stop => return Ok(()),
            End::Reconnect => {
                Stats::add(&stats.reconnect_requests);
                tracing::info!(server = %cfg.url, "Twitch asked to reconnect; reconnecting.");
                failures = 0;
                Duration::ZERO
            }
            End::Lost(e) => {
                if started.elapsed() >= cfg.stable_after {
                    failures = 0;
                }
                let delay = backoff(failures, cfg.backoff_initial, cfg.backoff_max);
                failures = failures.saturating_add(1);
                tracing::warn!(server = %cfg.url, error = %format!("{e:#}"), retry_in_ms = delay.as_millis() as u64, "No Twitch chat connection; reconnecting after a delay.");
                delay
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shutdown.wait_for(|stop| *stop) => return Ok(()),
        }
    }
}

/// The delay before reconnection attempt `failures` (0-based): `initial · 2^failures`,
/// capped at `max`, then "equal jitter" (a random point in its upper half) so that many
/// clients cut off together do not come back in lockstep.
pub fn backoff(failures: u32, initial: Duration, max: Duration) -> Duration {
    let exp = initial.saturating_mul(2u32.saturating_pow(failures.min(31)));
    let capped = exp.min(max);
    let half = capped / 2;
    half + half.mul_f64(rand::rng().random::<f64>())
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

fn tls_connector() -> Result<tokio_rustls::TlsConnector> {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("the TLS library refused its default protocol versions")?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

async fn connect(
    cfg: &ClientConfig,
    tls: Option<&tokio_rustls::TlsConnector>,
) -> Result<Box<dyn Io>> {
    let tcp = TcpStream::connect((cfg.url.host.as_str(), cfg.url.port))
        .await
        .with_context(|| format!("could not connect to {}", cfg.url))?;
    let _ = tcp.set_nodelay(true);
    match tls {
        None => Ok(Box::new(tcp)),
        Some(connector) => {
            let name = tokio_rustls::rustls::pki_types::ServerName::try_from(cfg.url.host.clone())
                .map_err(|e| anyhow!("invalid TLS server name {:?}: {e}", cfg.url.host))?;
            let stream = connector
                .connect(name, tcp)
                .await
                .with_context(|| format!("TLS handshake with {} failed", cfg.url))?;
            Ok(Box::new(stream))
        }
    }
}

/// One connection, from login until it ends.
async fn session(
    cfg: &ClientConfig,
    tls: Option<&tokio_rustls::TlsConnector>,
    events: &mpsc::Sender<Event>,
    stats: &Stats,
) -> End {
    let io = match tokio::time::timeout(cfg.connect_timeout, connect(cfg, tls)).await {
        Ok(Ok(io)) => io,
        Ok(Err(e)) => return End::Lost(e),
        Err(_) => return End::Lost(anyhow!("connecting to {} timed out", cfg.url)),
    };
    Stats::add(&stats.connections);
    let (read, mut write) = tokio::io::split(io);
    let mut reader = BufReader::new(read);
    let nick = format!(
        "justinfan{}",
        rand::rng().random_range(10_000..100_000_000u32)
    );
    let login =
        format!("CAP REQ :twitch.tv/tags twitch.tv/commands\r\nPASS SCHMOOPIIE\r\nNICK {nick}\r\n");
    if let Err(e) = write.write_all(login.as_bytes()).await {
        return End::Lost(anyhow!(e).context("could not log in"));
    }
    tracing::info!(server = %cfg.url, nick, channels = cfg.channels.len(), "Connected to Twitch chat.");

    let mut to_join: VecDeque<&ChannelId> = cfg.channels.iter().collect();
    let mut joins_sent: VecDeque<Instant> = VecDeque::new();
    let mut line = Vec::with_capacity(1024);
    let mut last_heard = Instant::now();
    let mut ping_sent: Option<Instant> = None;
    loop {
        // Send the JOINs the rate limit allows now; note when the next one may go.
        let now = Instant::now();
        while joins_sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= cfg.join_window)
        {
            joins_sent.pop_front();
        }
        while joins_sent.len() < cfg.joins_per_window.max(1) {
            let Some(channel) = to_join.pop_front() else {
                break;
            };
            if let Err(e) = write
                .write_all(format!("JOIN #{channel}\r\n").as_bytes())
                .await
            {
                return End::Lost(anyhow!(e).context("could not send JOIN"));
            }
            joins_sent.push_back(now);
        }
        let next_join = (!to_join.is_empty())
            .then(|| joins_sent.front().map(|t| *t + cfg.join_window))
            .flatten();
        let silence_deadline = match ping_sent {
            Some(at) => at + cfg.pong_timeout,
            None => last_heard + cfg.idle_ping_after,
        };
        let wake = next_join.map_or(silence_deadline, |j| j.min(silence_deadline));

        tokio::select! {
            read = read_line(&mut reader, &mut line) => {
                match read {
                    Ok(false) => return End::Lost(anyhow!("the server closed the connection")),
                    Err(e) => return End::Lost(anyhow!(e).context("reading from the server failed")),
                    Ok(true) => {}
                }
                last_heard = Instant::now();
                ping_sent = None;
                let action = handle_line(cfg, &line, events, stats).await;
                line.clear();
                match action {
                    Action::Continue => {}
                    Action::Pong(token) => {
                        let pong = format!("PONG :{token}\r\n");
                        if let Err(e) = write.write_all(pong.as_bytes()).await {
                            return End::Lost(anyhow!(e).context("could not answer PING"));
                        }
                    }
                    Action::Reconnect => return End::Reconnect,
                    Action::Stop => return End::Stop,
                }
            }
            _ = tokio::time::sleep_until(wake) => {
                let now = Instant::now();
                if ping_sent.is_some_and(|at| now >= at + cfg.pong_timeout) {
                    return End::Lost(anyhow!("no answer to PING within {:?}", cfg.pong_timeout));
                }
                if ping_sent.is_none() && now >= last_heard + cfg.idle_ping_after {
                    if let Err(e) = write.write_all(b"PING :telemetra\r\n").await {
                        return End::Lost(anyhow!(e).context("could not send PING"));
                    }
                    ping_sent = Some(now);
                }
            }
        }
    }
}

/// What the session does after a line.
enum Action {
    Continue,
    Pong(String),
    Reconnect,
    Stop,
}

async fn handle_line(
    cfg: &ClientConfig,
    line: &[u8],
    events: &mpsc::Sender<Event>,
    stats: &Stats,
) -> Action {
    Stats::add(&stats.lines);
    let msg = match irc::parse_bytes(line) {
        Ok(m) => m,
        Err(e) => {
            Stats::add(&stats.rejected);
            tracing::warn!(reason = e.reason(), error = %e, line = %String::from_utf8_lossy(&line[..line.len().min(200)]), "Rejected a malformed line from Twitch.");
            return Action::Continue;
        }
    };
    match msg.command.as_str() {
        "PING" => return Action::Pong(msg.param(0).unwrap_or("tmi.twitch.tv").to_owned()),
        "RECONNECT" => return Action::Reconnect,
        "NOTICE" => {
            tracing::info!(notice = msg.param(1).unwrap_or(""), "Twitch notice.");
        }
        _ => {}
    }
    match map_message(&msg, now_ms(), &cfg.emotes) {
        Ok(Mapped::Events(list)) => {
            for event in list {
                Stats::add(&stats.events);
                if events.send(event).await.is_err() {
                    return Action::Stop;
                }
            }
        }
        Ok(Mapped::Ignored(what)) => {
            Stats::add(&stats.ignored);
            tracing::debug!(what, "Ignored a message that carries no event.");
        }
        Err(e) => {
            Stats::add(&stats.rejected);
            tracing::warn!(command = msg.command, reason = e.reason(), error = %e, "Rejected a Twitch message.");
        }
    }
    Action::Continue
}

/// Reads until `buf` holds one whole line (its ending removed); false at the end of
/// the stream. Cancel-safe: a partial line stays in `buf` (the caller clears it after
/// handling a line), so the session's timers can interrupt a read at any point. A line
/// over the size limit is cut there (the parser then rejects it as too long) and the
/// rest of it discarded, so a misbehaving server cannot make us buffer without bound.
async fn read_line<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
) -> std::io::Result<bool> {
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(!buf.is_empty());
        }
        let (used, found) = match memchr(available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        let room = (MAX_LINE_BYTES + 3).saturating_sub(buf.len());
        buf.extend_from_slice(&available[..used.min(room)]);
        reader.consume(used);
        if found {
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            return Ok(true);
        }
    }
}

fn memchr(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u: IrcUrl = IrcUrl::DEFAULT.parse().unwrap();
        assert_eq!(
            (u.tls, u.host.as_str(), u.port),
            (true, "irc.chat.twitch.tv", 6697)
        );
        let u: IrcUrl = "irc://127.0.0.1:4567".parse().unwrap();
        assert_eq!((u.tls, u.host.as_str(), u.port), (false, "127.0.0.1", 4567));
        assert_eq!(u.to_string(), "irc://127.0.0.1:4567");
        let u: IrcUrl = "irc://[::1]:7000".parse().unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 7000));
        assert_eq!("ircs://example.org".parse::<IrcUrl>().unwrap().port, 6697);
        for bad in ["http://x:1", "irc://", "irc://h:port", "irc://h:99999", "x"] {
            assert!(bad.parse::<IrcUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let (i, m) = (Duration::from_secs(1), Duration::from_secs(60));
        for n in 0..40 {
            let full = (i * 2u32.saturating_pow(n.min(31))).min(m);
            let d = backoff(n, i, m);
            assert!(d >= full / 2 && d <= full, "attempt {n}: {d:?} of {full:?}");
        }
        let samples: Vec<Duration> = (0..20).map(|_| backoff(5, i, m)).collect();
        assert!(samples.iter().any(|d| *d != samples[0]), "jittered");
    }

    #[tokio::test]
    async fn long_lines_are_cut_and_the_next_line_is_intact() {
        let mut data = vec![b'a'; MAX_LINE_BYTES * 3];
        data.extend_from_slice(b"\r\nPING :x\r\nlast");
        let mut reader = BufReader::with_capacity(64, &data[..]);
        let mut buf = Vec::new();
        assert!(read_line(&mut reader, &mut buf).await.unwrap());
        assert!(buf.len() > MAX_LINE_BYTES && buf.len() <= MAX_LINE_BYTES + 3);
        assert!(irc::parse_bytes(&buf).is_err());
        buf.clear();
        assert!(read_line(&mut reader, &mut buf).await.unwrap());
        assert_eq!(buf, b"PING :x");
        buf.clear();
        assert!(read_line(&mut reader, &mut buf).await.unwrap());
        assert_eq!(buf, b"last");
        buf.clear();
        assert!(!read_line(&mut reader, &mut buf).await.unwrap());
    }
}
