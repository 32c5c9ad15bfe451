//! The embedded store: one SQLite file under the data directory.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use telemetra_types::{
    ChannelId, CountEntry, Moment, MomentType, MoneyByType, Severity, StreamState, StreamSummary,
    Timestamp, TransactionType, WindowMetrics,
};

use crate::{
    sum_top_lists, Error, MoneySummary, Page, Result, Store, TopList, TransactionRecord,
    ViewerSample, WriteBatch,
};

/// The schema migrations, embedded in the binary at build time.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// SQLite-backed [`Store`].
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        let location = path.display().to_string();
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{location}"))
            .map_err(|source| Error::Open {
                location: location.clone(),
                source,
            })?
            .create_if_missing(true)
            // WAL lets the API read while the engine writes; NORMAL sync is durable
            // across process crashes (not power loss), which is the embedded promise.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| Error::Open { location, source })?;
        MIGRATIONS.run(&pool).await?;
        Ok(Self { pool })
    }

    /// The connection pool, for tests and tools that query the tables directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

const WINDOW_COLUMNS: &str =
    "stream_id, window_start, window_end, message_count, messages_per_min, \
    unique_chatters, emote_count, sentiment_score, positive_count, neutral_count, negative_count, \
    top_emotes, top_chatters, viewer_last, viewer_min, viewer_max, viewer_avg, transaction_count, \
    transaction_amount, money_by_type, is_final";

#[async_trait]
impl Store for SqliteStore {
    async fn write(&self, batch: &WriteBatch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let rows = batch.len();
        let fail = |source| Error::Write { rows, source };
        let mut tx = self.pool.begin().await.map_err(fail)?;
        for w in &batch.windows {
            sqlx::query(
                "INSERT INTO chat_summary_minute (stream_id, window_start, window_end, \"timestamp\", \
                 message_count, messages_per_min, unique_chatters, emote_count, sentiment_score, \
                 positive_count, neutral_count, negative_count, top_emotes, top_chatters, viewer_last, \
                 viewer_min, viewer_max, viewer_avg, transaction_count, transaction_amount, money_by_type, is_final) \
                 VALUES (?1, ?2, ?3, ?2, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?21, ?20) \
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
                 is_final = excluded.is_final \
                 WHERE chat_summary_minute.is_final = 0 OR excluded.is_final = 1",
            )
            .bind(w.stream_id.as_str())
            .bind(w.window_start.to_rfc3339())
            .bind(w.window_end.to_rfc3339())
            .bind(w.message_count as i64)
            .bind(w.messages_per_min)
            .bind(w.unique_chatters as i64)
            .bind(w.emote_count as i64)
            .bind(w.sentiment_score)
            .bind(w.positive_count as i64)
            .bind(w.neutral_count as i64)
            .bind(w.negative_count as i64)
            .bind(to_json(&w.top_emotes))
            .bind(to_json(&w.top_chatters))
            .bind(w.viewer_last.map(|v| v as i64))
            .bind(w.viewer_min.map(|v| v as i64))
            .bind(w.viewer_max.map(|v| v as i64))
            .bind(w.viewer_avg)
            .bind(w.transaction_count as i64)
            .bind(w.transaction_amount)
            .bind(w.is_final)
            .bind(serde_json::to_string(&w.money_by_type).expect("money totals always serialize"))
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        for s in &batch.streams {
            sqlx::query(
                "INSERT INTO streams (stream_id, title, category, is_live, started_at, ended_at, last_seen) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                 ON CONFLICT (stream_id) DO UPDATE SET title = excluded.title, category = excluded.category, \
                 is_live = excluded.is_live, started_at = excluded.started_at, ended_at = excluded.ended_at, \
                 last_seen = max(streams.last_seen, excluded.last_seen)",
            )
            .bind(s.stream_id.as_str())
            .bind(&s.title)
            .bind(&s.category)
            .bind(s.is_live)
            .bind(s.started_at.map(Timestamp::to_rfc3339))
            .bind(s.ended_at.map(Timestamp::to_rfc3339))
            .bind(s.last_seen.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        for v in &batch.viewers {
            // Two samples in the same millisecond: the larger event id wins, whatever
            // order they arrive in, so replays converge on the same row.
            sqlx::query(
                "INSERT INTO viewer_timeseries (stream_id, \"timestamp\", viewer_count, chatter_count, event_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (stream_id, \"timestamp\") DO UPDATE SET viewer_count = excluded.viewer_count, \
                 chatter_count = excluded.chatter_count, event_id = excluded.event_id \
                 WHERE excluded.event_id > viewer_timeseries.event_id",
            )
            .bind(v.channel.as_str())
            .bind(v.timestamp.to_rfc3339())
            .bind(v.viewer_count as i64)
            .bind(v.chatter_count.map(|c| c as i64))
            .bind(&v.event_id)
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        for t in &batch.transactions {
            sqlx::query(
                "INSERT INTO transactions (transaction_id, stream_id, \"timestamp\", transaction_type, amount, \
                 currency, username, tier, \"count\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (transaction_id) DO NOTHING",
            )
            .bind(&t.transaction_id)
            .bind(t.channel.as_str())
            .bind(t.timestamp.to_rfc3339())
            .bind(t.transaction_type.as_str())
            .bind(t.amount)
            .bind(t.currency())
            .bind(&t.username)
            .bind(t.tier.as_ref().map(tier_text))
            .bind(t.count.map(|c| c as i64))
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        for m in &batch.moments {
            sqlx::query(
                "INSERT INTO moments (moment_id, stream_id, \"timestamp\", moment_type, description, severity, \
                 z_score, value, baseline, metadata) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT (moment_id) DO NOTHING",
            )
            .bind(&m.moment_id)
            .bind(m.stream_id.as_str())
            .bind(m.timestamp.to_rfc3339())
            .bind(m.moment_type.as_str())
            .bind(&m.description)
            .bind(m.severity.as_str())
            .bind(m.z_score)
            .bind(m.value)
            .bind(m.baseline)
            .bind(m.metadata.to_string())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        }
        for d in &batch.dead_letters {
            sqlx::query(
                "INSERT INTO dead_letters (source, position, topic, reason, detail, raw, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (source, position) DO NOTHING",
            )
            .bind(&d.source)
            .bind(d.position as i64)
            .bind(d.rejected.topic.map(|t| t.label()))
            .bind(d.rejected.reason.as_str())
            .bind(&d.rejected.detail)
            .bind(&d.rejected.raw)
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
        let rows = sqlx::query(&format!("{STREAM_SUMMARY} ORDER BY viewer_count IS NULL, viewer_count DESC, s.stream_id LIMIT ?1 OFFSET ?2"))
            .bind(i64::from(page.page_size))
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(read)?;
        let items = rows.iter().map(stream_from_row).collect::<Result<_>>()?;
        Ok((items, total as u64))
    }

    async fn stream(&self, id: &ChannelId) -> Result<Option<StreamSummary>> {
        let row = sqlx::query(&format!("{STREAM_SUMMARY} WHERE s.stream_id = ?1"))
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
        let rows = sqlx::query(&format!(
            "SELECT {WINDOW_COLUMNS} FROM chat_summary_minute \
             WHERE stream_id = ?1 AND window_start >= ?2 AND window_start < ?3 \
             AND window_end <= coalesce((SELECT min(c.window_end) FROM chat_summary_minute c \
                 JOIN streams s ON s.stream_id = c.stream_id \
                 WHERE c.stream_id = ?1 AND c.window_end > s.last_seen), '9999') \
             ORDER BY window_start"
        ))
        .bind(id.as_str())
        .bind(from.to_rfc3339())
        .bind(to.to_rfc3339())
        .fetch_all(&self.pool)
        .await
        .map_err(|source| Error::Read {
            what: "windows",
            source,
        })?;
        rows.iter().map(window_from_row).collect()
    }

    async fn current_window(&self, id: &ChannelId) -> Result<Option<WindowMetrics>> {
        let columns = WINDOW_COLUMNS.replace(", ", ", c.");
        let row = sqlx::query(&format!(
            "SELECT c.{columns} FROM chat_summary_minute c JOIN streams s ON s.stream_id = c.stream_id \
             WHERE c.stream_id = ?1 \
             ORDER BY c.window_end > s.last_seen DESC, \
                 CASE WHEN c.window_end > s.last_seen THEN c.window_end END ASC, c.window_end DESC \
             LIMIT 1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|source| Error::Read { what: "current window", source })?;
        row.as_ref().map(window_from_row).transpose()
    }

    async fn moments(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<Moment>> {
        let rows = sqlx::query(
            "SELECT moment_id, stream_id, \"timestamp\", moment_type, description, severity, z_score, value, \
             baseline, metadata FROM moments WHERE stream_id = ?1 AND \"timestamp\" >= ?2 AND \"timestamp\" < ?3 \
             ORDER BY \"timestamp\" DESC, moment_id LIMIT ?4",
        )
        .bind(id.as_str())
        .bind(from.to_rfc3339())
        .bind(to.to_rfc3339())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|source| Error::Read { what: "moments", source })?;
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
        let total: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM viewer_timeseries WHERE stream_id = ?1 AND \"timestamp\" >= ?2 AND \"timestamp\" < ?3",
        )
        .bind(id.as_str())
        .bind(&from)
        .bind(&to)
        .fetch_one(&self.pool)
        .await
        .map_err(read)?;
        // Keep every n-th sample so a day of 5-second samples stays a chartable size.
        let step = (total + i64::from(max_points.max(1)) - 1) / i64::from(max_points.max(1));
        let rows = sqlx::query(
            "SELECT \"timestamp\", viewer_count, chatter_count FROM ( \
               SELECT \"timestamp\", viewer_count, chatter_count, \
                      row_number() OVER (ORDER BY \"timestamp\") - 1 AS n \
               FROM viewer_timeseries WHERE stream_id = ?1 AND \"timestamp\" >= ?2 AND \"timestamp\" < ?3) \
             WHERE n % ?4 = 0 ORDER BY \"timestamp\"",
        )
        .bind(id.as_str())
        .bind(&from)
        .bind(&to)
        .bind(step.max(1))
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
        let rows = sqlx::query(
            "SELECT transaction_id, \"timestamp\", transaction_type, amount, currency, username, tier, \"count\" \
             FROM transactions WHERE stream_id = ?1 AND \"timestamp\" >= ?2 AND \"timestamp\" < ?3 \
             ORDER BY \"timestamp\" DESC, transaction_id LIMIT ?4",
        )
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
        let totals = sqlx::query(
            "SELECT transaction_type, count(*) AS n, sum(amount) AS total FROM transactions \
             WHERE stream_id = ?1 AND \"timestamp\" >= ?2 AND \"timestamp\" < ?3 GROUP BY transaction_type",
        )
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
        let rows = sqlx::query(&format!(
            "SELECT window_start, window_end, {column} FROM chat_summary_minute \
             WHERE stream_id = ?1 AND window_start >= ?2 AND window_start < ?3 ORDER BY window_start"
        ))
        .bind(id.as_str())
        .bind(from.to_rfc3339())
        .bind(to.to_rfc3339())
        .fetch_all(&self.pool)
        .await
        .map_err(|source| Error::Read { what: "top lists", source })?;
        const W: &str = "window";
        let windows = rows
            .iter()
            .map(|row| {
                Ok((
                    time(row, W, "window_start")?,
                    time(row, W, "window_end")?,
                    entries(row, W, column)?,
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

/// Streams with their latest viewer count and the chat rate of their current window.
const STREAM_SUMMARY: &str =
    "SELECT s.stream_id, s.title, s.category, s.is_live, s.started_at, s.ended_at, s.last_seen, \
    (SELECT v.viewer_count FROM viewer_timeseries v WHERE v.stream_id = s.stream_id \
        ORDER BY v.\"timestamp\" DESC LIMIT 1) AS viewer_count, \
    (SELECT c.messages_per_min FROM chat_summary_minute c WHERE c.stream_id = s.stream_id \
        AND c.window_end > s.last_seen ORDER BY c.window_end LIMIT 1) AS chat_rate \
    FROM streams s";

fn transaction_type(s: String) -> Result<TransactionType> {
    serde_json::from_value(serde_json::Value::String(s)).map_err(|e| corrupt("transaction", e))
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn to_json(entries: &[CountEntry]) -> String {
    serde_json::to_string(entries).expect("count entries always serialize")
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

fn get<'r, T>(row: &'r SqliteRow, what: &'static str, col: &str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(col)
        .map_err(|e| corrupt(what, format!("{col}: {e}")))
}

fn time(row: &SqliteRow, what: &'static str, col: &str) -> Result<Timestamp> {
    let s: String = get(row, what, col)?;
    Timestamp::parse(&s).map_err(|e| corrupt(what, format!("{col}: {e}")))
}

fn opt_time(row: &SqliteRow, what: &'static str, col: &str) -> Result<Option<Timestamp>> {
    let s: Option<String> = get(row, what, col)?;
    s.map(|s| Timestamp::parse(&s).map_err(|e| corrupt(what, format!("{col}: {e}"))))
        .transpose()
}

fn channel(row: &SqliteRow, what: &'static str) -> Result<ChannelId> {
    let s: String = get(row, what, "stream_id")?;
    ChannelId::parse(&s).map_err(|e| corrupt(what, e))
}

fn count(row: &SqliteRow, what: &'static str, col: &str) -> Result<u64> {
    Ok(get::<i64>(row, what, col)?.max(0) as u64)
}

fn opt_count(row: &SqliteRow, what: &'static str, col: &str) -> Result<Option<u64>> {
    Ok(get::<Option<i64>>(row, what, col)?.map(|v| v.max(0) as u64))
}

fn entries(row: &SqliteRow, what: &'static str, col: &str) -> Result<Vec<CountEntry>> {
    let s: String = get(row, what, col)?;
    serde_json::from_str(&s).map_err(|e| corrupt(what, format!("{col}: {e}")))
}

fn window_from_row(row: &SqliteRow) -> Result<WindowMetrics> {
    const W: &str = "window";
    Ok(WindowMetrics {
        stream_id: channel(row, W)?,
        window_start: time(row, W, "window_start")?,
        window_end: time(row, W, "window_end")?,
        message_count: count(row, W, "message_count")?,
        messages_per_min: get(row, W, "messages_per_min")?,
        unique_chatters: count(row, W, "unique_chatters")?,
        emote_count: count(row, W, "emote_count")?,
        top_emotes: entries(row, W, "top_emotes")?,
        top_chatters: entries(row, W, "top_chatters")?,
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
        money_by_type: {
            let s: String = get(row, W, "money_by_type")?;
            serde_json::from_str(&s).map_err(|e| corrupt(W, format!("money_by_type: {e}")))?
        },
        is_final: get(row, W, "is_final")?,
    })
}

fn stream_from_row(row: &SqliteRow) -> Result<StreamSummary> {
    const S: &str = "stream";
    Ok(StreamSummary {
        state: StreamState {
            stream_id: channel(row, S)?,
            title: get(row, S, "title")?,
            category: get(row, S, "category")?,
            is_live: get(row, S, "is_live")?,
            started_at: opt_time(row, S, "started_at")?,
            ended_at: opt_time(row, S, "ended_at")?,
            last_seen: time(row, S, "last_seen")?,
        },
        viewer_count: opt_count(row, S, "viewer_count")?,
        chat_rate: get(row, S, "chat_rate")?,
    })
}

fn moment_from_row(row: &SqliteRow) -> Result<Moment> {
    const M: &str = "moment";
    let moment_type: String = get(row, M, "moment_type")?;
    let severity: String = get(row, M, "severity")?;
    let metadata: String = get(row, M, "metadata")?;
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
        metadata: serde_json::from_str(&metadata).map_err(|e| corrupt(M, e))?,
    })
}
