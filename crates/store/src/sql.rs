//! The SQL store: one implementation for SQLite (embedded) and PostgreSQL (distributed).
//!
//! Both databases are reached through sqlx's `Any` driver; the statements are written
//! once, with two small dialect differences filled in per database ([`Dialect::sql`]):
//! PostgreSQL's typed columns (`timestamptz`, `jsonb`, `boolean`) need casts on the way
//! in and formatting on the way out, where SQLite stores RFC 3339 text, JSON text and
//! 0/1. Reading everything back as text, numbers and booleans keeps one row decoder.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, ConnectOptions, Row};
use telemetra_types::{
    ChannelId, CountEntry, ModerationCounts, Moment, MomentType, MoneyByType, Severity,
    StreamState, StreamSummary, Timestamp, TransactionType, WindowMetrics,
};

use crate::{
    sum_top_lists, Checkpoint, Error, MoneySummary, Page, Result, ShardLease, Store, TopList,
    TransactionRecord, ViewerSample, WriteBatch,
};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a [`SqlStore`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// The embedded file database.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// Fills the dialect markers of a statement: `{ts}` and `{json}` follow a
    /// parameter that is a timestamp or a JSON document; `{greatest}` is the
    /// two-argument maximum.
    fn sql(self, template: &str) -> String {
        let (ts, json, greatest) = match self {
            Dialect::Sqlite => ("", "", "max"),
            Dialect::Postgres => ("::timestamptz", "::jsonb", "greatest"),
        };
        template
            .replace("{ts}", ts)
            .replace("{json}", json)
            .replace("{greatest}", greatest)
    }

    /// A select-list entry that reads `column` (of `kind`) back in the common shape.
    fn out(self, table: &str, column: &str, kind: Col) -> String {
        let q = format!("{table}\"{column}\"");
        match (self, kind) {
            (Dialect::Sqlite, _) | (Dialect::Postgres, Col::Plain) => {
                format!("{q} AS \"{column}\"")
            }
            (Dialect::Postgres, Col::Time) => {
                format!("to_char({q} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS \"{column}\"")
            }
            (Dialect::Postgres, Col::Json) => format!("{q}::text AS \"{column}\""),
        }
    }

    fn columns(self, table: &str, cols: &[(&str, Col)]) -> String {
        cols.iter()
            .map(|(c, k)| self.out(table, c, *k))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Clone, Copy, Debug)]
enum Col {
    Plain,
    Time,
    Json,
}

const WINDOW_COLUMNS: &[(&str, Col)] = &[
    ("stream_id", Col::Plain),
    ("window_start", Col::Time),
    ("window_end", Col::Time),
    ("message_count", Col::Plain),
    ("messages_per_min", Col::Plain),
    ("unique_chatters", Col::Plain),
    ("emote_count", Col::Plain),
    ("sentiment_score", Col::Plain),
    ("positive_count", Col::Plain),
    ("neutral_count", Col::Plain),
    ("negative_count", Col::Plain),
    ("top_emotes", Col::Json),
    ("top_chatters", Col::Json),
    ("viewer_last", Col::Plain),
    ("viewer_min", Col::Plain),
    ("viewer_max", Col::Plain),
    ("viewer_avg", Col::Plain),
    ("transaction_count", Col::Plain),
    ("transaction_amount", Col::Plain),
    ("money_by_type", Col::Json),
    ("timeouts", Col::Plain),
    ("bans", Col::Plain),
    ("chat_clears", Col::Plain),
    ("messages_deleted", Col::Plain),
    ("is_final", Col::Plain),
];

const MOMENT_COLUMNS: &[(&str, Col)] = &[
    ("moment_id", Col::Plain),
    ("stream_id", Col::Plain),
    ("timestamp", Col::Time),
    ("moment_type", Col::Plain),
    ("description", Col::Plain),
    ("severity", Col::Plain),
    ("z_score", Col::Plain),
    ("value", Col::Plain),
    ("baseline", Col::Plain),
    ("metadata", Col::Json),
];

const STREAM_COLUMNS: &[(&str, Col)] = &[
    ("stream_id", Col::Plain),
    ("title", Col::Plain),
    ("category", Col::Plain),
    ("is_live", Col::Plain),
    ("started_at", Col::Time),
    ("ended_at", Col::Time),
    ("last_seen", Col::Time),
    ("room_state", Col::Json),
];

/// Binding optional doubles through the `Any` driver. sqlx 0.8 hands a NULL double to
/// PostgreSQL as a NULL `real` (and a NULL real as a NULL double); a cached statement
/// first run with such a NULL then refuses a double ("incorrect binary data format").
/// Sending the NULL as the swapped kind makes it arrive as the double it is.
trait BindOptionalF64 {
    fn bind_f64(self, value: Option<f64>) -> Self;
}

impl<'q> BindOptionalF64 for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_f64(self, value: Option<f64>) -> Self {
        match value {
            Some(v) => self.bind(v),
            None => self.bind(None::<f32>),
        }
    }
}

/// A [`Store`] over SQLite or PostgreSQL.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
}

impl SqlStore {
    /// Opens (creating if needed) the embedded database file and applies pending migrations.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        // WAL lets the API read while the engine writes; NORMAL sync is durable across
        // process crashes (not power loss), which is the embedded promise.
        let store = Self::connect(&url, Dialect::Sqlite, 4).await?;
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"] {
            sqlx::query(pragma)
                .execute(&store.pool)
                .await
                .map_err(|source| Error::Open {
                    location: url.clone(),
                    source,
                })?;
        }
        SQLITE_MIGRATIONS.run(&store.pool).await?;
        Ok(store)
    }

    /// A store for PostgreSQL at `url` (`postgres://user@host:port/db`). Connections
    /// are made on first use, so this succeeds while the database is down: queries
    /// then fail with retryable errors and [`Store::ping`] says not ready. Does not
    /// migrate: see [`SqlStore::migrate`].
    pub fn connect_postgres(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let location = redact(url);
        let options: AnyConnectOptions = url
            .parse()
            .map_err(|source| Error::Open { location, source })?;
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options.log_statements(tracing::log::LevelFilter::Trace));
        Ok(Self {
            pool,
            dialect: Dialect::Postgres,
        })
    }

    async fn connect(url: &str, dialect: Dialect, max_connections: u32) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let location = redact(url);
        let open = |source| Error::Open {
            location: location.clone(),
            source,
        };
        let mut options: AnyConnectOptions = url.parse().map_err(open)?;
        options = options.log_statements(tracing::log::LevelFilter::Trace);
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(open)?;
        Ok(Self { pool, dialect })
    }

    /// Applies pending schema migrations (PostgreSQL; SQLite migrates on open).
    pub async fn migrate(&self) -> Result<()> {
        match self.dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// The connection pool, for tests and tools that query the tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Takes shard `shard` of consumer group `group_id` over: a new epoch (fencing off
    /// the previous owner's writes) and the shard's last checkpoint, if any.
    pub async fn claim_shard(
        &self,
        group_id: &str,
        shard: u32,
    ) -> Result<(ShardLease, Option<Checkpoint>)> {
        let sql = self.sql(
            "INSERT INTO processor_checkpoints (group_id, shard, epoch, offsets, updated_at) \
             VALUES ($1, $2, 1, '{}', $3{ts}) ON CONFLICT (group_id, shard) DO UPDATE SET \
             epoch = processor_checkpoints.epoch + 1, updated_at = excluded.updated_at \
             RETURNING epoch, offsets, state",
        );
        let row = sqlx::query(&sql)
            .bind(group_id)
            .bind(shard as i64)
            .bind(Timestamp(telemetra_types::now_ms()).to_rfc3339())
            .fetch_one(&self.pool)
            .await
            .map_err(|source| Error::Write { rows: 1, source })?;
        let corrupt = |e: sqlx::Error| Error::Corrupt {
            what: "processor checkpoint",
            detail: e.to_string(),
        };
        let lease = ShardLease {
            group_id: group_id.to_owned(),
            shard,
            epoch: row.try_get("epoch").map_err(corrupt)?,
        };
        let state: Option<Vec<u8>> = row.try_get("state").map_err(corrupt)?;
        let checkpoint = match state {
            Some(state) => Some(Checkpoint {
                offsets: row.try_get("offsets").map_err(corrupt)?,
                state,
            }),
            None => None,
        };
        Ok((lease, checkpoint))
    }

    /// The database kind.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn sql(&self, template: &str) -> String {
        self.dialect.sql(template)
    }

    /// The end of the channel's current window: the first window end after its latest event.
    async fn current_end(&self, id: &ChannelId) -> Result<Option<String>> {
        let end = self.dialect.out("c.", "window_end", Col::Time);
        let sql = format!(
            "SELECT {end} FROM chat_summary_minute c JOIN streams s ON s.stream_id = c.stream_id \
             WHERE c.stream_id = $1 AND c.window_end > s.last_seen ORDER BY c.window_end LIMIT 1"
        );
        sqlx::query_scalar(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|source| Error::Read {
                what: "the current window",
                source,
            })
    }
}

/// Hides a password in a connection URL before it goes into an error message.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn write(&self, batch: &WriteBatch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let rows = batch.len();
        let fail = |source| Error::Write { rows, source };
        let mut tx = self.pool.begin().await.map_err(fail)?;
        // First, so that the row lock orders this write against a takeover.
        if let Some(lease) = &batch.lease {
            let now = Timestamp(telemetra_types::now_ms()).to_rfc3339();
            let (with_state, without_state) = (
                self.sql(
                    "UPDATE processor_checkpoints SET updated_at = $4{ts}, offsets = $5, state = $6 \
                     WHERE group_id = $1 AND shard = $2 AND epoch = $3",
                ),
                self.sql(
                    "UPDATE processor_checkpoints SET updated_at = $4{ts} \
                     WHERE group_id = $1 AND shard = $2 AND epoch = $3",
                ),
            );
            let query = match &batch.checkpoint {
                Some(_) => sqlx::query(&with_state),
                None => sqlx::query(&without_state),
            }
            .bind(lease.group_id.as_str())
            .bind(lease.shard as i64)
            .bind(lease.epoch)
            .bind(now);
            let query = match &batch.checkpoint {
                Some(c) => query.bind(c.offsets.as_str()).bind(c.state.clone()),
                None => query,
            };
            let done = query.execute(&mut *tx).await.map_err(fail)?;
            if done.rows_affected() != 1 {
                return Err(Error::Fenced {
                    group_id: lease.group_id.clone(),
                    shard: lease.shard,
                    epoch: lease.epoch,
                });
            }
        }
        let upsert_window = self.sql(
            "INSERT INTO chat_summary_minute (stream_id, window_start, window_end, \"timestamp\", \
             message_count, messages_per_min, unique_chatters, emote_count, sentiment_score, \
             positive_count, neutral_count, negative_count, top_emotes, top_chatters, viewer_last, \
             viewer_min, viewer_max, viewer_avg, transaction_count, transaction_amount, money_by_type, \
             timeouts, bans, chat_clears, messages_deleted, is_final) \
             VALUES ($1, $2{ts}, $3{ts}, $2{ts}, $4, $5, $6, $7, $8, $9, $10, $11, $12{json}, $13{json}, $14, \
             $15, $16, $17, $18, $19, $20{json}, $21, $22, $23, $24, $25) \
             ON CONFLICT (stream_id, window_start) DO UPDATE SET \
             window_end = excluded.window_end, message_count = excluded.message_count, \
             messages_per_min = excluded.messages_per_min, unique_chatters = excluded.unique_chatters, \
             emote_count = excluded.emote_count, sentiment_score = excluded.sentiment_score, \
             positive_count = excluded.positive_count, neutral_count = excluded.neutral_count, \
             negative_count = excluded.negative_count, top_emotes = excluded.top_emotes, \
             top_chatters = excluded.top_chatters, viewer_last = excluded.viewer_last, \
             viewer_min = excluded.viewer_min, viewer_max = excluded.viewer_max, \
             viewer_avg = excluded.viewer_avg, transaction_count = excluded.transaction_count, \
             transaction_amount = excluded.transaction_amount, money_by_type = excluded.money_by_type, \
             timeouts = excluded.timeouts, bans = excluded.bans, chat_clears = excluded.chat_clears, \
             messages_deleted = excluded.messages_deleted, is_final = excluded.is_final \
             WHERE NOT chat_summary_minute.is_final OR excluded.is_final",
        );
        for w in &batch.windows {
            sqlx::query(&upsert_window)
                .bind(w.stream_id.as_str())
                .bind(w.window_start.to_rfc3339())
                .bind(w.window_end.to_rfc3339())
                .bind(w.message_count as i64)
                .bind(w.messages_per_min)
                .bind(w.unique_chatters as i64)
                .bind(w.emote_count as i64)
                .bind_f64(w.sentiment_score)
                .bind(w.positive_count as i64)
                .bind(w.neutral_count as i64)
                .bind(w.negative_count as i64)
                .bind(to_json(&w.top_emotes))
                .bind(to_json(&w.top_chatters))
                .bind(w.viewer_last.map(|v| v as i64))
                .bind(w.viewer_min.map(|v| v as i64))
                .bind(w.viewer_max.map(|v| v as i64))
                .bind_f64(w.viewer_avg)
                .bind(w.transaction_count as i64)
                .bind(w.transaction_amount)
                .bind(to_json(&w.money_by_type))
                .bind(w.moderation.timeouts as i64)
                .bind(w.moderation.bans as i64)
                .bind(w.moderation.clears as i64)
                .bind(w.moderation.deletions as i64)
                .bind(w.is_final)
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        // A restarted engine knows only what it has seen since: settings it has not
        // seen are kept (title and category by coalesce, room settings by a JSON merge).
        let merge_room = match self.dialect {
            Dialect::Sqlite => "json_patch(streams.room_state, excluded.room_state)",
            Dialect::Postgres => "streams.room_state || excluded.room_state",
        };
        let upsert_stream = self.sql(&format!(
            "INSERT INTO streams (stream_id, title, category, is_live, started_at, ended_at, last_seen, room_state) \
             VALUES ($1, $2, $3, $4, $5{{ts}}, $6{{ts}}, $7{{ts}}, $8{{json}}) \
             ON CONFLICT (stream_id) DO UPDATE SET title = coalesce(excluded.title, streams.title), \
             category = coalesce(excluded.category, streams.category), \
             is_live = excluded.is_live, started_at = excluded.started_at, ended_at = excluded.ended_at, \
             last_seen = {{greatest}}(streams.last_seen, excluded.last_seen), \
             room_state = {merge_room}",
        ));
        for s in &batch.streams {
            sqlx::query(&upsert_stream)
                .bind(s.stream_id.as_str())
                .bind(s.title.as_deref())
                .bind(s.category.as_deref())
                .bind(s.is_live)
                .bind(s.started_at.map(Timestamp::to_rfc3339))
                .bind(s.ended_at.map(Timestamp::to_rfc3339))
                .bind(s.last_seen.to_rfc3339())
                .bind(to_json(&s.room_state))
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        // Two samples in the same millisecond: the larger event id wins, whatever order
        // they arrive in, so replays converge on the same row.
        let upsert_viewer = self.sql(
            "INSERT INTO viewer_timeseries (stream_id, \"timestamp\", viewer_count, chatter_count, event_id) \
             VALUES ($1, $2{ts}, $3, $4, $5) \
             ON CONFLICT (stream_id, \"timestamp\") DO UPDATE SET viewer_count = excluded.viewer_count, \
             chatter_count = excluded.chatter_count, event_id = excluded.event_id \
             WHERE excluded.event_id > viewer_timeseries.event_id",
        );
        for v in &batch.viewers {
            sqlx::query(&upsert_viewer)
                .bind(v.channel.as_str())
                .bind(v.timestamp.to_rfc3339())
                .bind(v.viewer_count as i64)
                .bind(v.chatter_count.map(|c| c as i64))
                .bind(v.event_id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        let insert_transaction = self.sql(
            "INSERT INTO transactions (transaction_id, stream_id, \"timestamp\", transaction_type, amount, \
             currency, username, tier, \"count\") VALUES ($1, $2, $3{ts}, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (transaction_id) DO NOTHING",
        );
        for t in &batch.transactions {
            sqlx::query(&insert_transaction)
                .bind(t.transaction_id.as_str())
                .bind(t.channel.as_str())
                .bind(t.timestamp.to_rfc3339())
                .bind(t.transaction_type.as_str())
                .bind(t.amount)
                .bind(t.currency())
                .bind(t.username.as_deref())
                .bind(t.tier.as_ref().map(tier_text))
                .bind(t.count.map(|c| c as i64))
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        let insert_moment = self.sql(
            "INSERT INTO moments (moment_id, stream_id, \"timestamp\", moment_type, description, severity, \
             z_score, value, baseline, metadata) VALUES ($1, $2, $3{ts}, $4, $5, $6, $7, $8, $9, $10{json}) \
             ON CONFLICT (moment_id) DO NOTHING",
        );
        for m in &batch.moments {
            sqlx::query(&insert_moment)
                .bind(m.moment_id.as_str())
                .bind(m.stream_id.as_str())
                .bind(m.timestamp.to_rfc3339())
                .bind(m.moment_type.as_str())
                .bind(m.description.as_str())
                .bind(m.severity.as_str())
                .bind_f64(m.z_score)
                .bind_f64(m.value)
                .bind_f64(m.baseline)
                .bind(m.metadata.to_string())
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        let insert_dead_letter = self.sql(
            "INSERT INTO dead_letters (source, position, topic, reason, detail, raw, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7{ts}) ON CONFLICT (source, position) DO NOTHING",
        );
        for d in &batch.dead_letters {
            sqlx::query(&insert_dead_letter)
                .bind(d.source.as_str())
                .bind(d.position as i64)
                .bind(d.rejected.topic.map(|t| t.label()))
                .bind(d.rejected.reason.as_str())
                .bind(d.rejected.detail.as_str())
                .bind(d.rejected.raw.clone())
                .bind(Timestamp(telemetra_types::now_ms()).to_rfc3339())
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)
    }

    async fn list_streams(&self, page: Page) -> Result<(Vec<StreamSummary>, u64)> {
        let read = |source| Error::Read {
            what: "streams",
            source,
        };
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM streams")
            .fetch_one(&self.pool)
            .await
            .map_err(read)?;
        let offset = i64::from(page.page.saturating_sub(1)) * i64::from(page.page_size);
        let sql = format!(
            "SELECT * FROM ({}) x ORDER BY x.viewer_count IS NULL, x.viewer_count DESC, x.stream_id \
             LIMIT $1 OFFSET $2",
            self.stream_summary()
        );
        let rows = sqlx::query(&sql)
            .bind(i64::from(page.page_size))
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(read)?;
        let items = rows.iter().map(stream_from_row).collect::<Result<_>>()?;
        Ok((items, total as u64))
    }

    async fn stream(&self, id: &ChannelId) -> Result<Option<StreamSummary>> {
        let sql = format!("{} WHERE s.stream_id = $1", self.stream_summary());
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|source| Error::Read {
                what: "stream",
                source,
            })?;
        row.as_ref().map(stream_from_row).transpose()
    }

    async fn windows(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<WindowMetrics>> {
        // Windows that begin after the current one hold only a sliver of data so far.
        let until = match self.current_end(id).await? {
            Some(end) => end,
            // The end of year 9999: later than any window, and valid in both databases.
            None => Timestamp(253_402_300_799_999).to_rfc3339(),
        };
        let sql = self.sql(&format!(
            "SELECT {} FROM chat_summary_minute \
             WHERE stream_id = $1 AND window_start >= $2{{ts}} AND window_start < $3{{ts}} AND window_end <= $4{{ts}} \
             ORDER BY window_start",
            self.dialect.columns("", WINDOW_COLUMNS)
        ));
        let rows = sqlx::query(&sql)
            .bind(id.as_str())
            .bind(from.to_rfc3339())
            .bind(to.to_rfc3339())
            .bind(until)
            .fetch_all(&self.pool)
            .await
            .map_err(|source| Error::Read {
                what: "windows",
                source,
            })?;
        rows.iter().map(window_from_row).collect()
    }

    async fn current_window(&self, id: &ChannelId) -> Result<Option<WindowMetrics>> {
        let sql = format!(
            "SELECT {} FROM chat_summary_minute c JOIN streams s ON s.stream_id = c.stream_id \
             WHERE c.stream_id = $1 \
             ORDER BY c.window_end > s.last_seen DESC, \
                 CASE WHEN c.window_end > s.last_seen THEN c.window_end END ASC, c.window_end DESC \
             LIMIT 1",
            self.dialect.columns("c.", WINDOW_COLUMNS)
        );
        let row = sqlx::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(|source| Error::Read {
                what: "current window",
                source,
            })?;
        row.as_ref().map(window_from_row).transpose()
    }

    async fn moments(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<Moment>> {
        let sql = self.sql(&format!(
            "SELECT {} FROM moments WHERE stream_id = $1 AND \"timestamp\" >= $2{{ts}} AND \"timestamp\" < $3{{ts}} \
             ORDER BY \"timestamp\" DESC, moment_id LIMIT $4",
            self.dialect.columns("", MOMENT_COLUMNS)
        ));
        let rows = sqlx::query(&sql)
            .bind(id.as_str())
            .bind(from.to_rfc3339())
            .bind(to.to_rfc3339())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(|source| Error::Read {
                what: "moments",
                source,
            })?;
        rows.iter().map(moment_from_row).collect()
    }

    async fn viewers(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
        max_points: u32,
    ) -> Result<Vec<ViewerSample>> {
        let read = |source| Error::Read {
            what: "viewer samples",
            source,
        };
        let (from, to) = (from.to_rfc3339(), to.to_rfc3339());
        let total: i64 = sqlx::query_scalar(&self.sql(
            "SELECT count(*) FROM viewer_timeseries WHERE stream_id = $1 AND \"timestamp\" >= $2{ts} AND \"timestamp\" < $3{ts}",
        ))
        .bind(id.as_str())
        .bind(&from)
        .bind(&to)
        .fetch_one(&self.pool)
        .await
        .map_err(read)?;
        // Keep every n-th sample so a day of 5-second samples stays a chartable size.
        let max = i64::from(max_points.max(1));
        let step = ((total + max - 1) / max).max(1);
        let sql = self.sql(&format!(
            "SELECT {} FROM ( \
               SELECT stream_id, \"timestamp\", viewer_count, chatter_count, \
                      row_number() OVER (ORDER BY \"timestamp\") - 1 AS n \
               FROM viewer_timeseries WHERE stream_id = $1 AND \"timestamp\" >= $2{{ts}} AND \"timestamp\" < $3{{ts}}) v \
             WHERE n % $4 = 0 ORDER BY \"timestamp\"",
            self.dialect.columns("v.", &[("timestamp", Col::Time), ("viewer_count", Col::Plain), ("chatter_count", Col::Plain)])
        ));
        let rows = sqlx::query(&sql)
            .bind(id.as_str())
            .bind(&from)
            .bind(&to)
            .bind(step)
            .fetch_all(&self.pool)
            .await
            .map_err(read)?;
        const V: &str = "viewer sample";
        rows.iter()
            .map(|row| {
                Ok(ViewerSample {
                    timestamp: time(row, V, "timestamp")?,
                    viewer_count: count(row, V, "viewer_count")?,
                    chatter_count: opt_count(row, V, "chatter_count")?,
                })
            })
            .collect()
    }

    async fn transactions(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<(Vec<TransactionRecord>, MoneySummary)> {
        let read = |source| Error::Read {
            what: "transactions",
            source,
        };
        let (from, to) = (from.to_rfc3339(), to.to_rfc3339());
        let sql = self.sql(&format!(
            "SELECT {} FROM transactions WHERE stream_id = $1 AND \"timestamp\" >= $2{{ts}} AND \"timestamp\" < $3{{ts}} \
             ORDER BY \"timestamp\" DESC, transaction_id LIMIT $4",
            self.dialect.columns(
                "",
                &[
                    ("transaction_id", Col::Plain),
                    ("timestamp", Col::Time),
                    ("transaction_type", Col::Plain),
                    ("amount", Col::Plain),
                    ("currency", Col::Plain),
                    ("username", Col::Plain),
                    ("tier", Col::Plain),
                    ("count", Col::Plain),
                ]
            )
        ));
        let rows = sqlx::query(&sql)
            .bind(id.as_str())
            .bind(&from)
            .bind(&to)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(read)?;
        const T: &str = "transaction";
        let records = rows
            .iter()
            .map(|row| {
                Ok(TransactionRecord {
                    transaction_id: get(row, T, "transaction_id")?,
                    timestamp: time(row, T, "timestamp")?,
                    transaction_type: transaction_type(get(row, T, "transaction_type")?)?,
                    amount: get(row, T, "amount")?,
                    currency: get(row, T, "currency")?,
                    username: get(row, T, "username")?,
                    tier: get(row, T, "tier")?,
                    count: opt_count(row, T, "count")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let totals = sqlx::query(&self.sql(
            "SELECT transaction_type, count(*) AS n, sum(amount) AS total FROM transactions \
             WHERE stream_id = $1 AND \"timestamp\" >= $2{ts} AND \"timestamp\" < $3{ts} GROUP BY transaction_type",
        ))
        .bind(id.as_str())
        .bind(&from)
        .bind(&to)
        .fetch_all(&self.pool)
        .await
        .map_err(read)?;
        let mut summary = MoneySummary::default();
        for row in &totals {
            let t = MoneyByType {
                transaction_type: transaction_type(get(row, T, "transaction_type")?)?,
                count: count(row, T, "n")?,
                total: cents(get(row, T, "total")?),
            };
            summary.count += t.count;
            summary.total = cents(summary.total + t.total);
            summary.by_type.push(t);
        }
        summary.by_type.sort_by_key(|t| {
            TransactionType::ALL
                .iter()
                .position(|x| *x == t.transaction_type)
        });
        Ok((records, summary))
    }

    async fn top(
        &self,
        id: &ChannelId,
        list: TopList,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<CountEntry>> {
        let column = list.column();
        let sql = self.sql(&format!(
            "SELECT {} FROM chat_summary_minute \
             WHERE stream_id = $1 AND window_start >= $2{{ts}} AND window_start < $3{{ts}} ORDER BY window_start",
            self.dialect.columns("", &[("window_start", Col::Time), ("window_end", Col::Time), (column, Col::Json)])
        ));
        let rows = sqlx::query(&sql)
            .bind(id.as_str())
            .bind(from.to_rfc3339())
            .bind(to.to_rfc3339())
            .fetch_all(&self.pool)
            .await
            .map_err(|source| Error::Read {
                what: "top lists",
                source,
            })?;
        const W: &str = "window";
        let windows = rows
            .iter()
            .map(|row| {
                Ok((
                    time(row, W, "window_start")?,
                    time(row, W, "window_end")?,
                    json(row, W, column)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(sum_top_lists(windows, limit as usize))
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|source| Error::Read {
                what: "a ping",
                source,
            })
    }
}

impl SqlStore {
    /// Streams with their latest viewer count and the chat rate of their current window.
    fn stream_summary(&self) -> String {
        format!(
            "SELECT {}, \
             (SELECT v.viewer_count FROM viewer_timeseries v WHERE v.stream_id = s.stream_id \
                 ORDER BY v.\"timestamp\" DESC LIMIT 1) AS viewer_count, \
             (SELECT c.messages_per_min FROM chat_summary_minute c WHERE c.stream_id = s.stream_id \
                 AND c.window_end > s.last_seen ORDER BY c.window_end LIMIT 1) AS chat_rate \
             FROM streams s",
            self.dialect.columns("s.", STREAM_COLUMNS)
        )
    }
}

fn transaction_type(s: String) -> Result<TransactionType> {
    serde_json::from_value(serde_json::Value::String(s)).map_err(|e| corrupt("transaction", e))
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("lists of names, numbers and enums always serialize")
}

fn tier_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn corrupt(what: &'static str, detail: impl ToString) -> Error {
    Error::Corrupt {
        what,
        detail: detail.to_string(),
    }
}

fn get<'r, T>(row: &'r AnyRow, what: &'static str, col: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col)
        .map_err(|e| corrupt(what, format!("{col}: {e}")))
}

/// Booleans arrive as booleans from PostgreSQL and as 0/1 from SQLite.
fn flag(row: &AnyRow, what: &'static str, col: &str) -> Result<bool> {
    match row.try_get::<bool, _>(col) {
        Ok(b) => Ok(b),
        Err(_) => Ok(get::<i64>(row, what, col)? != 0),
    }
}

fn time(row: &AnyRow, what: &'static str, col: &str) -> Result<Timestamp> {
    let s: String = get(row, what, col)?;
    Timestamp::parse(&s).map_err(|e| corrupt(what, format!("{col}: {e}")))
}

fn opt_time(row: &AnyRow, what: &'static str, col: &str) -> Result<Option<Timestamp>> {
    let s: Option<String> = get(row, what, col)?;
    s.map(|s| Timestamp::parse(&s).map_err(|e| corrupt(what, format!("{col}: {e}"))))
        .transpose()
}

fn channel(row: &AnyRow, what: &'static str) -> Result<ChannelId> {
    let s: String = get(row, what, "stream_id")?;
    ChannelId::parse(&s).map_err(|e| corrupt(what, e))
}

fn count(row: &AnyRow, what: &'static str, col: &str) -> Result<u64> {
    Ok(get::<i64>(row, what, col)?.max(0) as u64)
}

fn opt_count(row: &AnyRow, what: &'static str, col: &str) -> Result<Option<u64>> {
    Ok(get::<Option<i64>>(row, what, col)?.map(|v| v.max(0) as u64))
}

fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, what: &'static str, col: &str) -> Result<T> {
    let s: String = get(row, what, col)?;
    serde_json::from_str(&s).map_err(|e| corrupt(what, format!("{col}: {e}")))
}

fn window_from_row(row: &AnyRow) -> Result<WindowMetrics> {
    const W: &str = "window";
    Ok(WindowMetrics {
        stream_id: channel(row, W)?,
        window_start: time(row, W, "window_start")?,
        window_end: time(row, W, "window_end")?,
        message_count: count(row, W, "message_count")?,
        messages_per_min: get(row, W, "messages_per_min")?,
        unique_chatters: count(row, W, "unique_chatters")?,
        emote_count: count(row, W, "emote_count")?,
        top_emotes: json(row, W, "top_emotes")?,
        top_chatters: json(row, W, "top_chatters")?,
        sentiment_score: get(row, W, "sentiment_score")?,
        positive_count: count(row, W, "positive_count")?,
        neutral_count: count(row, W, "neutral_count")?,
        negative_count: count(row, W, "negative_count")?,
        viewer_last: opt_count(row, W, "viewer_last")?,
        viewer_min: opt_count(row, W, "viewer_min")?,
        viewer_max: opt_count(row, W, "viewer_max")?,
        viewer_avg: get(row, W, "viewer_avg")?,
        transaction_count: count(row, W, "transaction_count")?,
        transaction_amount: get(row, W, "transaction_amount")?,
        money_by_type: json(row, W, "money_by_type")?,
        moderation: ModerationCounts {
            timeouts: count(row, W, "timeouts")?,
            bans: count(row, W, "bans")?,
            clears: count(row, W, "chat_clears")?,
            deletions: count(row, W, "messages_deleted")?,
        },
        is_final: flag(row, W, "is_final")?,
    })
}

fn stream_from_row(row: &AnyRow) -> Result<StreamSummary> {
    const S: &str = "stream";
    Ok(StreamSummary {
        state: StreamState {
            stream_id: channel(row, S)?,
            title: get(row, S, "title")?,
            category: get(row, S, "category")?,
            is_live: flag(row, S, "is_live")?,
            started_at: opt_time(row, S, "started_at")?,
            ended_at: opt_time(row, S, "ended_at")?,
            last_seen: time(row, S, "last_seen")?,
            room_state: json(row, S, "room_state")?,
        },
        viewer_count: opt_count(row, S, "viewer_count")?,
        chat_rate: get(row, S, "chat_rate")?,
    })
}

fn moment_from_row(row: &AnyRow) -> Result<Moment> {
    const M: &str = "moment";
    let moment_type: String = get(row, M, "moment_type")?;
    let severity: String = get(row, M, "severity")?;
    Ok(Moment {
        moment_id: get(row, M, "moment_id")?,
        stream_id: channel(row, M)?,
        timestamp: time(row, M, "timestamp")?,
        moment_type: serde_json::from_value::<MomentType>(serde_json::Value::String(moment_type))
            .map_err(|e| corrupt(M, e))?,
        description: get(row, M, "description")?,
        severity: serde_json::from_value::<Severity>(serde_json::Value::String(severity))
            .map_err(|e| corrupt(M, e))?,
        z_score: get(row, M, "z_score")?,
        value: get(row, M, "value")?,
        baseline: get(row, M, "baseline")?,
        metadata: json(row, M, "metadata")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_error_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/telemetra"),
            "postgres://app:***@db:5432/telemetra"
        );
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[test]
    fn dialects_fill_their_markers() {
        let t = "VALUES ($1{ts}, $2{json}) SET x = {greatest}(a, b)";
        assert_eq!(Dialect::Sqlite.sql(t), "VALUES ($1, $2) SET x = max(a, b)");
        assert_eq!(
            Dialect::Postgres.sql(t),
            "VALUES ($1::timestamptz, $2::jsonb) SET x = greatest(a, b)"
        );
    }
}
