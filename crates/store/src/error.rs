//! Store errors.

/// What could not be done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Opening or creating the database failed.
    #[error("could not open the database at {location}")]
    Open {
        /// Path or URL.
        location: String,
        /// Cause.
        #[source]
        source: sqlx::Error,
    },
    /// Applying migrations failed.
    #[error("could not apply the schema migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A write failed; nothing of the batch was stored.
    #[error("could not write a batch of {rows} rows")]
    Write {
        /// Rows in the batch.
        rows: usize,
        /// Cause.
        #[source]
        source: sqlx::Error,
    },
    /// A read failed.
    #[error("could not read {what}")]
    Read {
        /// What was being read.
        what: &'static str,
        /// Cause.
        #[source]
        source: sqlx::Error,
    },
    /// Another processor took the shard over: this one must stop writing for it.
    #[error("shard {shard} of group {group_id:?} was taken over by another processor (epoch {epoch} is stale)")]
    Fenced {
        /// Consumer group.
        group_id: String,
        /// Shard.
        shard: u32,
        /// The stale epoch.
        epoch: i64,
    },
    /// A stored value could not be understood (a bug or a foreign writer).
    #[error("corrupt {what} in the database: {detail}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// Why it is wrong.
        detail: String,
    },
}

impl Error {
    /// Whether trying again later may succeed (lost connection, busy database),
    /// as opposed to a problem that will not go away by itself.
    pub fn is_retryable(&self) -> bool {
        let source = match self {
            Error::Open { source, .. }
            | Error::Write { source, .. }
            | Error::Read { source, .. } => source,
            Error::Migrate(_) | Error::Corrupt { .. } | Error::Fenced { .. } => return false,
        };
        matches!(
            source,
            sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        ) || matches!(source, sqlx::Error::Database(db) if db.message().contains("locked") || db.message().contains("busy"))
    }
}

/// Result with the store's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
