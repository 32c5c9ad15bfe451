//! The command line. Every option has a `TELEMETRA_*` environment variable; flags
//! win over the environment, which wins over the defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use telemetra_engine::{EngineConfig, LatePolicy, MomentConfig};
use telemetra_types::ChannelId;

/// Real-time analytics for live streams.
#[derive(Debug, Parser)]
#[command(name = "telemetra", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options for every subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// TOML configuration file; its settings apply under flags and TELEMETRA_* variables.
    #[arg(long, global = true, env = "TELEMETRA_CONFIG", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Write logs as JSON lines instead of text (filter with TELEMETRA_LOG, e.g. "debug").
    #[arg(long, global = true, env = "TELEMETRA_LOG_JSON")]
    pub log_json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything in one process: generator (or file), engine, SQLite, API and dashboard.
    Run(RunArgs),
    /// Process an event file into the embedded store as fast as possible, then exit.
    Replay(ReplayArgs),
    /// Write synthetic events as JSON Lines.
    Generate(GenerateArgs),
    /// Distributed mode: the API and dashboard over PostgreSQL, live updates from Redis.
    Serve(ServeArgs),
    /// Distributed mode: apply the schema migrations to PostgreSQL.
    Migrate(MigrateArgs),
    /// Distributed mode: generated events or a file → the Kafka input topics.
    Produce(ProduceArgs),
    /// Distributed mode: a consumer-group member, Kafka → engine → PostgreSQL and Redis.
    Process(ProcessArgs),
    /// Distributed mode: a real source → the Kafka input topics.
    #[command(subcommand)]
    Ingest(IngestCommand),
    /// The built-in benchmarks, printing events/s and memory.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Score chat text with the engine's sentiment model: each TEXT, or each line of standard input.
    Sentiment(SentimentArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Address the API and dashboard listen on.
    #[arg(long, env = "TELEMETRA_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    /// Directory for the embedded database and the episode log.
    #[arg(long, env = "TELEMETRA_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Replay this event file (JSON Lines, optionally gzip) instead of generating events.
    #[arg(long, env = "TELEMETRA_INPUT")]
    pub input: Option<PathBuf>,
    /// Where live events come from: the synthetic `generator`, or `twitch` chat (and
    /// Helix viewer counts) of the channels named by --channels.
    #[arg(long, env = "TELEMETRA_SOURCE", value_enum, default_value_t = Source::Generator)]
    pub source: Source,
    #[command(flatten)]
    pub generator: GeneratorArgs,
    #[command(flatten)]
    pub twitch: TwitchArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// The live source of `telemetra run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Source {
    /// Synthetic events (see --channels, --rate, --seed).
    Generator,
    /// Real Twitch channels: chat over IRC, optional Helix viewer counts.
    Twitch,
}

#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Twitch chat (and Helix viewer counts) of some channels → the Kafka input topics.
    Twitch(IngestTwitchArgs),
}

#[derive(Debug, Args)]
pub struct IngestTwitchArgs {
    /// Twitch channels to watch (comma-separated logins).
    #[arg(long, env = "TELEMETRA_CHANNELS", value_delimiter = ',', required = true, value_parser = channel_name)]
    pub channels: Vec<ChannelId>,
    #[command(flatten)]
    pub twitch: TwitchArgs,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Partitions of each topic created (existing topics are left as they are).
    #[arg(long, env = "TELEMETRA_TOPIC_PARTITIONS", default_value_t = 8, value_parser = clap::value_parser!(i32).range(1..=10_000))]
    pub partitions: i32,
    /// Replication factor of each topic created.
    #[arg(long, env = "TELEMETRA_REPLICATION_FACTOR", default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub replication_factor: i32,
}

/// How to read Twitch.
#[derive(Debug, Args)]
pub struct TwitchArgs {
    /// Twitch chat server: ircs://host:port (TLS) or irc://host:port (plain TCP).
    #[arg(long, env = "TELEMETRA_IRC_URL", default_value = telemetra_twitch::IrcUrl::DEFAULT)]
    pub irc_url: telemetra_twitch::IrcUrl,
    /// Third-party emote names (BTTV, FFZ, 7TV) to count in chat: a file with one name
    /// per line, or a JSON array.
    #[arg(long, env = "TELEMETRA_EMOTE_LIST", value_name = "FILE")]
    pub emote_list: Option<PathBuf>,
    /// Twitch application client id: with the secret, viewer counts come from Helix.
    #[arg(
        long,
        env = "TELEMETRA_TWITCH_CLIENT_ID",
        requires = "helix_client_secret"
    )]
    pub helix_client_id: Option<String>,
    /// Twitch application client secret.
    #[arg(
        long,
        env = "TELEMETRA_TWITCH_CLIENT_SECRET",
        hide_env_values = true,
        requires = "helix_client_id"
    )]
    pub helix_client_secret: Option<String>,
    /// Time between Helix viewer-count polls.
    #[arg(long, env = "TELEMETRA_HELIX_INTERVAL", default_value = "30s", value_parser = duration)]
    pub helix_interval: Duration,
    /// Helix token endpoint (tests point it at a local server).
    #[arg(long, env = "TELEMETRA_HELIX_TOKEN_URL", default_value = telemetra_twitch::HelixConfig::TOKEN_URL, hide = true)]
    pub helix_token_url: String,
    /// Helix API base (tests point it at a local server).
    #[arg(long, env = "TELEMETRA_HELIX_API_URL", default_value = telemetra_twitch::HelixConfig::API_URL, hide = true)]
    pub helix_api_url: String,
}

/// Access control and limits of the HTTP server.
#[derive(Debug, Args)]
pub struct HttpArgs {
    /// Require this bearer token on /api and /ws (WebSockets may pass ?access_token=).
    #[arg(long, env = "TELEMETRA_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<String>,
    /// Browser origins allowed to call the API (comma-separated); none: same origin only.
    #[arg(long, env = "TELEMETRA_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Most live WebSocket connections at once.
    #[arg(long, env = "TELEMETRA_MAX_WEBSOCKETS", default_value_t = 10_000)]
    pub max_websockets: usize,
    /// Requests per second each client address may make to /api and /ws (bursts of
    /// twice that); 0: no limit.
    #[arg(long, env = "TELEMETRA_RATE_LIMIT", default_value_t = 50)]
    pub rate_limit: u32,
}

impl HttpArgs {
    /// The server's security settings.
    pub fn security(&self) -> telemetra_api::SecurityConfig {
        telemetra_api::SecurityConfig {
            api_token: self.api_token.clone().filter(|t| !t.is_empty()),
            cors_origins: self.cors_origins.clone(),
            max_websockets: self.max_websockets,
            rate_limit_per_second: self.rate_limit,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Event file to process (JSON Lines, optionally gzip).
    #[arg(long, env = "TELEMETRA_INPUT")]
    pub input: PathBuf,
    /// Directory for the embedded database.
    #[arg(long, env = "TELEMETRA_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of events to write.
    #[arg(long, env = "TELEMETRA_EVENTS")]
    pub events: u64,
    /// File to write (`-` for standard output).
    #[arg(long, env = "TELEMETRA_OUT")]
    pub out: PathBuf,
    /// Also write the scripted episodes (chat bursts, raids) to this JSON Lines file.
    #[arg(long, env = "TELEMETRA_EPISODES")]
    pub episodes: Option<PathBuf>,
    /// Event time of the first event (RFC 3339).
    #[arg(long, env = "TELEMETRA_START", default_value = "2025-10-16T10:00:00Z")]
    pub start: String,
    #[command(flatten)]
    pub generator: GeneratorArgs,
    /// Window length the episodes are timed for (see `run --window`).
    #[arg(long, env = "TELEMETRA_WINDOW", default_value = "60s", value_parser = duration)]
    pub window: Duration,
    /// Window slide the episodes are timed for.
    #[arg(long, env = "TELEMETRA_SLIDE", default_value = "10s", value_parser = duration)]
    pub slide: Duration,
}

/// Where the distributed mode keeps its results.
#[derive(Debug, Args)]
pub struct PostgresArgs {
    /// PostgreSQL connection URL, e.g. postgres://telemetra@db:5432/telemetra.
    #[arg(long = "postgres", env = "TELEMETRA_POSTGRES")]
    pub postgres_url: String,
}

/// Where the distributed mode relays live updates.
#[derive(Debug, Args)]
pub struct RedisArgs {
    /// Redis connection URL, e.g. redis://cache:6379.
    #[arg(long = "redis", env = "TELEMETRA_REDIS")]
    pub redis_url: String,
    /// Prefix of every Redis key and pub/sub channel (several deployments can share a Redis).
    #[arg(long, env = "TELEMETRA_REDIS_PREFIX", default_value = "telemetra:")]
    pub redis_prefix: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address the API and dashboard listen on.
    #[arg(long, env = "TELEMETRA_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub postgres: PostgresArgs,
    #[command(flatten)]
    pub redis: RedisArgs,
    /// Apply pending schema migrations at start (retrying until PostgreSQL answers).
    #[arg(long, env = "TELEMETRA_MIGRATE")]
    pub migrate: bool,
    #[command(flatten)]
    pub http: HttpArgs,
}

/// How to reach Kafka and what the topics are called.
#[derive(Debug, Args)]
pub struct KafkaArgs {
    /// Kafka bootstrap servers, comma-separated host:port.
    #[arg(long, env = "TELEMETRA_BROKERS", default_value = "127.0.0.1:9092")]
    pub brokers: String,
    /// Extra librdkafka client property (repeatable), e.g. -X security.protocol=ssl.
    #[arg(short = 'X', long = "kafka-option", env = "TELEMETRA_KAFKA_OPTIONS", value_delimiter = ',', value_name = "KEY=VALUE", value_parser = key_value)]
    pub options: Vec<(String, String)>,
    /// Chat topic.
    #[arg(
        long,
        env = "TELEMETRA_TOPIC_CHAT",
        default_value = "telemetra.events.chat"
    )]
    pub topic_chat: String,
    /// Viewer count topic.
    #[arg(
        long,
        env = "TELEMETRA_TOPIC_VIEWER",
        default_value = "telemetra.events.viewer"
    )]
    pub topic_viewer: String,
    /// Money events topic.
    #[arg(
        long,
        env = "TELEMETRA_TOPIC_TRANSACTIONS",
        default_value = "telemetra.events.transactions"
    )]
    pub topic_transactions: String,
    /// Stream lifecycle topic.
    #[arg(
        long,
        env = "TELEMETRA_TOPIC_STREAM_META",
        default_value = "telemetra.events.stream_meta"
    )]
    pub topic_stream_meta: String,
    /// Dead-letter topic: rejected input with its reason in the headers.
    #[arg(long, env = "TELEMETRA_TOPIC_DLQ", default_value = "telemetra.dlq")]
    pub topic_dlq: String,
}

impl KafkaArgs {
    /// The client settings.
    pub fn settings(&self) -> telemetra_kafka::KafkaSettings {
        telemetra_kafka::KafkaSettings {
            brokers: self.brokers.clone(),
            topics: telemetra_types::Topics {
                chat: self.topic_chat.clone(),
                viewer: self.topic_viewer.clone(),
                transactions: self.topic_transactions.clone(),
                stream_meta: self.topic_stream_meta.clone(),
                dlq: self.topic_dlq.clone(),
            },
            options: self.options.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ProduceArgs {
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Send this event file (JSON Lines, optionally gzip) as fast as Kafka takes it,
    /// instead of generating events in real time.
    #[arg(long, env = "TELEMETRA_INPUT")]
    pub input: Option<PathBuf>,
    /// Stop after this many events (default: the whole file, or generate until stopped).
    #[arg(long, env = "TELEMETRA_EVENTS")]
    pub events: Option<u64>,
    /// Partitions of each topic created (existing topics are left as they are).
    #[arg(long, env = "TELEMETRA_TOPIC_PARTITIONS", default_value_t = 8, value_parser = clap::value_parser!(i32).range(1..=10_000))]
    pub partitions: i32,
    /// Replication factor of each topic created.
    #[arg(long, env = "TELEMETRA_REPLICATION_FACTOR", default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub replication_factor: i32,
    #[command(flatten)]
    pub generator: GeneratorArgs,
}

#[derive(Debug, Args)]
pub struct ProcessArgs {
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Consumer group: processors in one group share the partitions.
    #[arg(
        long,
        env = "TELEMETRA_GROUP_ID",
        default_value = "telemetra-processor"
    )]
    pub group_id: String,
    #[command(flatten)]
    pub postgres: PostgresArgs,
    #[command(flatten)]
    pub redis: RedisArgs,
    /// Apply pending schema migrations at start (retrying until PostgreSQL answers).
    #[arg(long, env = "TELEMETRA_MIGRATE")]
    pub migrate: bool,
    /// How often each shard saves its engine state and offsets (a restart replays at
    /// most this much input).
    #[arg(long, env = "TELEMETRA_CHECKPOINT_INTERVAL", default_value = "5s", value_parser = duration)]
    pub checkpoint_interval: Duration,
    /// Treat the input as bounded: once every assigned partition is read to its end,
    /// close all windows, save, and exit (backfills, tests).
    #[arg(long, env = "TELEMETRA_STOP_AT_END")]
    pub stop_at_end: bool,
    /// Serve /health, /ready and /metrics on this address.
    #[arg(long, env = "TELEMETRA_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub postgres: PostgresArgs,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Decoding plus the engine on one core: generated events (JSON bytes in memory)
    /// through `decode_event` and the engine, windows closing as event time advances.
    Engine(BenchEngineArgs),
    /// Many concurrent live WebSocket clients against a running server: connections
    /// made, messages per client per second, update delay, server memory per client.
    Ws(BenchWsArgs),
}

#[derive(Debug, Args)]
pub struct BenchWsArgs {
    /// Base URL of the server (`run` or `serve`).
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    pub url: String,
    /// WebSocket clients to open, spread evenly over the channels.
    #[arg(long, default_value_t = 1_000)]
    pub clients: usize,
    /// Channels to watch (comma-separated); default: every channel the server lists.
    #[arg(long, value_delimiter = ',')]
    pub channels: Vec<String>,
    /// How long to count messages once every client is connected.
    #[arg(long, default_value = "20s", value_parser = duration)]
    pub seconds: Duration,
    /// Handshakes in flight at once while connecting.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
    /// Give up waiting for the connections after this long.
    #[arg(long, default_value = "120s", value_parser = duration)]
    pub connect_timeout: Duration,
    /// The server's process id, to report its memory (from /proc) before and after.
    #[arg(long)]
    pub server_pid: Option<u32>,
}

#[derive(Debug, Args)]
pub struct BenchEngineArgs {
    /// Events per run.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: usize,
    /// Channels.
    #[arg(long, default_value_t = 1_000)]
    pub channels: u32,
    /// Distinct chatters.
    #[arg(long, default_value_t = 100_000)]
    pub users: u64,
    /// Simulated events per second of event time (sets how many windows close).
    #[arg(long, default_value_t = 5_000.0)]
    pub rate: f64,
    /// Timed runs; the median is reported.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Keep only the chat messages of the generated stream (still `--events` of
    /// them), so that the rate is one of chat events alone.
    #[arg(long)]
    pub chat_only: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct SentimentArgs {
    /// Messages to score; without any, each line of standard input is one message.
    /// Prints score (4 decimals), class (-1, 0, 1) and text, tab-separated, one line per
    /// message, in order.
    #[arg(value_name = "TEXT")]
    pub texts: Vec<String>,
}

/// The synthetic source.
#[derive(Debug, Args)]
pub struct GeneratorArgs {
    /// Number of synthetic channels; with `run --source twitch`, the Twitch channels to
    /// watch instead (comma-separated logins).
    #[arg(long, env = "TELEMETRA_CHANNELS", default_value = "10", value_parser = channels_arg)]
    pub channels: Channels,
    /// Synthetic events per second (outside scripted bursts).
    #[arg(long, env = "TELEMETRA_RATE", default_value_t = 300.0)]
    pub rate: f64,
    /// Seed of the generator: the same seed gives the same events.
    #[arg(long, env = "TELEMETRA_SEED", default_value_t = 42)]
    pub seed: u64,
    /// Largest delay of a synthetic event's timestamp behind its sending (disorder).
    #[arg(long, env = "TELEMETRA_MAX_JITTER", default_value = "3s", value_parser = duration)]
    pub max_jitter: Duration,
}

/// `--channels`: a count of synthetic channels, or a list of real ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Channels {
    /// How many synthetic channels to generate.
    Count(u32),
    /// Channel logins.
    Names(Vec<ChannelId>),
}

impl GeneratorArgs {
    /// The number of synthetic channels, or an error when names were given.
    pub fn channel_count(&self) -> anyhow::Result<u32> {
        match &self.channels {
            Channels::Count(n) => Ok(*n),
            Channels::Names(_) => anyhow::bail!(
                "--channels takes a number of synthetic channels here; channel names are for --source twitch"
            ),
        }
    }

    /// The jitter in milliseconds.
    pub fn max_jitter_ms(&self) -> i64 {
        i64::try_from(self.max_jitter.as_millis()).unwrap_or(i64::MAX)
    }

    /// Generator settings from these options over `base`, starting at `start`.
    pub fn config(
        &self,
        start: telemetra_types::Timestamp,
        base: telemetra_gen::GenConfig,
    ) -> telemetra_gen::GenConfig {
        let channels = match &self.channels {
            Channels::Count(n) => *n as usize,
            Channels::Names(names) => names.len(),
        };
        telemetra_gen::GenConfig {
            channels,
            rate: self.rate,
            seed: self.seed,
            max_jitter_ms: self.max_jitter_ms(),
            start,
            ..base
        }
    }
}

/// Event-time semantics.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Window length.
    #[arg(long, env = "TELEMETRA_WINDOW", default_value = "60s", value_parser = duration)]
    pub window: Duration,
    /// Window slide; must divide the length (equal to it: tumbling windows).
    #[arg(long, env = "TELEMETRA_SLIDE", default_value = "10s", value_parser = duration)]
    pub slide: Duration,
    /// Allowed lateness: how far the watermark trails the newest event time.
    #[arg(long, env = "TELEMETRA_LATENESS", default_value = "10s", value_parser = duration)]
    pub lateness: Duration,
    /// A partition silent this long stops holding the watermark back.
    #[arg(long, env = "TELEMETRA_IDLE_TIMEOUT", default_value = "30s", value_parser = duration)]
    pub idle_timeout: Duration,
    /// Events further than this ahead of the wall clock are rejected.
    #[arg(long, env = "TELEMETRA_MAX_SKEW", default_value = "5m", value_parser = duration)]
    pub max_skew: Duration,
    /// Events older than the watermark: `correct` re-emits their final windows (within
    /// the correction horizon), `drop` only counts them.
    #[arg(long, env = "TELEMETRA_LATE_POLICY", default_value = "correct", value_parser = late_policy)]
    pub late_policy: LatePolicy,
    /// How far behind the watermark a late event may still correct final windows.
    #[arg(long, env = "TELEMETRA_CORRECTION_HORIZON", default_value = "10m", value_parser = duration)]
    pub correction_horizon: Duration,
    /// Forget a channel's in-memory state (moment baseline) once it has been silent
    /// this long in event time; its results stay stored.
    #[arg(long, env = "TELEMETRA_FORGET_IDLE_CHANNELS", default_value = "1h", value_parser = duration)]
    pub forget_idle_channels: Duration,
    /// Partitions of the in-process bus (each has its own watermark).
    #[arg(long, env = "TELEMETRA_PARTITIONS", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub partitions: u32,
    /// |z| at or above which a moment opens.
    #[arg(long, env = "TELEMETRA_Z_THRESHOLD", default_value_t = 3.0)]
    pub z_threshold: f64,
}

impl EngineArgs {
    /// The engine settings (validated when the engine is built).
    pub fn engine_config(&self) -> EngineConfig {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        EngineConfig {
            window_ms: ms(self.window),
            slide_ms: ms(self.slide),
            lateness_ms: ms(self.lateness),
            idle_timeout_ms: ms(self.idle_timeout),
            max_skew_ms: ms(self.max_skew),
            late_policy: self.late_policy,
            correction_horizon_ms: ms(self.correction_horizon),
            channel_idle_evict_ms: ms(self.forget_idle_channels),
            moments: MomentConfig {
                z_threshold: self.z_threshold,
                ..MomentConfig::default()
            },
        }
    }
}

fn late_policy(s: &str) -> Result<LatePolicy, String> {
    match s {
        "correct" => Ok(LatePolicy::Correct),
        "drop" => Ok(LatePolicy::Drop),
        other => Err(format!(
            "unknown late policy {other:?}: expected `correct` or `drop`"
        )),
    }
}

fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

fn channels_arg(s: &str) -> Result<Channels, String> {
    if let Ok(n) = s.trim().parse::<u32>() {
        return if (1..=100_000).contains(&n) {
            Ok(Channels::Count(n))
        } else {
            Err(format!("{n} is not in 1..=100000"))
        };
    }
    let names = s
        .split(',')
        .filter(|n| !n.trim().is_empty())
        .map(channel_name)
        .collect::<Result<Vec<_>, _>>()?;
    if names.is_empty() {
        return Err("expected a number or channel names".into());
    }
    Ok(Channels::Names(names))
}

fn channel_name(s: &str) -> Result<ChannelId, String> {
    let name = s.trim().trim_start_matches('#').to_ascii_lowercase();
    ChannelId::parse(&name).map_err(|e| e.to_string())
}

fn duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 500ms, 10s, 1m)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_parse_into_engine_settings() {
        let cli = Cli::try_parse_from([
            "telemetra",
            "replay",
            "--input",
            "f",
            "--window",
            "30s",
            "--slide",
            "5s",
            "--late-policy",
            "drop",
        ])
        .unwrap();
        let Command::Replay(args) = cli.command else {
            panic!("replay")
        };
        let cfg = args.engine.engine_config();
        assert_eq!(
            (cfg.window_ms, cfg.slide_ms, cfg.late_policy),
            (30_000, 5_000, LatePolicy::Drop)
        );
        assert!(Cli::try_parse_from([
            "telemetra",
            "replay",
            "--input",
            "f",
            "--late-policy",
            "maybe"
        ])
        .is_err());
        assert!(
            Cli::try_parse_from(["telemetra", "replay", "--input", "f", "--window", "soon"])
                .is_err()
        );
    }

    #[test]
    fn channels_are_a_count_or_twitch_logins() {
        let run = |args: &[&str]| {
            let mut all = vec!["telemetra", "run"];
            all.extend_from_slice(args);
            match Cli::try_parse_from(all).map(|c| c.command) {
                Ok(Command::Run(r)) => Ok(r),
                Ok(_) => panic!("run"),
                Err(e) => Err(e),
            }
        };
        let r = run(&[]).unwrap();
        assert_eq!(
            (r.source, r.generator.channels),
            (Source::Generator, Channels::Count(10))
        );
        let r = run(&["--source", "twitch", "--channels", "Alpha,#beta,gamma_3"]).unwrap();
        assert_eq!(r.source, Source::Twitch);
        let names = ["alpha", "beta", "gamma_3"].map(|n| ChannelId::parse(n).unwrap());
        assert_eq!(r.generator.channels, Channels::Names(names.to_vec()));
        assert!(r.generator.channel_count().is_err());
        assert!(run(&["--channels", "0"]).is_err());
        assert!(run(&["--channels", "not a channel!"]).is_err());
        assert!(run(&["--irc-url", "http://x"]).is_err());
        assert!(
            run(&["--helix-client-id", "x"]).is_err(),
            "the secret is needed too"
        );
        let Ok(Command::Ingest(IngestCommand::Twitch(i))) = Cli::try_parse_from([
            "telemetra",
            "ingest",
            "twitch",
            "--channels",
            "a,b",
            "--brokers",
            "k:9092",
            "--irc-url",
            "irc://127.0.0.1:6667",
        ])
        .map(|c| c.command) else {
            panic!("ingest twitch")
        };
        assert_eq!(i.channels.len(), 2);
        assert!(!i.twitch.irc_url.tls);
        assert!(Cli::try_parse_from(["telemetra", "ingest", "twitch"]).is_err());
    }
}
