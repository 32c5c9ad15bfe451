//! Storage: where final windows, samples, money, moments and stream state land,
//! and where the API reads them back.
//!
//! One schema, managed by versioned migrations (`migrations/`), with the table
//! names users know (SPEC §3). Every write is an upsert on a natural key, so
//! replaying input after a crash never double-counts. [`Store`] is the seam; its one
//! implementation, [`SqlStore`], serves SQLite (the embedded default) and PostgreSQL
//! (the distributed mode) with the same statements.

mod batch;
mod error;
mod read;
mod sql;

use async_trait::async_trait;
use telemetra_types::{ChannelId, CountEntry, Moment, StreamSummary, Timestamp, WindowMetrics};

pub use batch::{Checkpoint, DeadLetter, ShardLease, WriteBatch};
pub use error::{Error, Result};
pub use read::{sum_top_lists, MoneySummary, TopList, TransactionRecord, ViewerSample};
pub use sql::{Dialect, SqlStore};

/// A page of a listing, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Page number, from 1.
    pub page: u32,
    /// Items per page.
    pub page_size: u32,
}

/// The storage interface shared by the engine's writer and the API.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Writes a batch atomically: all of it or none of it.
    async fn write(&self, batch: &WriteBatch) -> Result<()>;

    /// Channels, most viewers first, with the total count.
    async fn list_streams(&self, page: Page) -> Result<(Vec<StreamSummary>, u64)>;

    /// One channel, if known.
    async fn stream(&self, id: &ChannelId) -> Result<Option<StreamSummary>>;

    /// Windows of a channel starting in `[from, to)`, oldest first, up to its current
    /// window (windows that begin after the latest event are not yet meaningful).
    async fn windows(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<WindowMetrics>>;

    /// The channel's current window: the one ending soonest after its latest event.
    async fn current_window(&self, id: &ChannelId) -> Result<Option<WindowMetrics>>;

    /// Moments of a channel in `[from, to)`, newest first.
    async fn moments(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<Moment>>;

    /// Viewer samples in `[from, to)`, oldest first, evenly thinned to at most `max_points`.
    async fn viewers(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
        max_points: u32,
    ) -> Result<Vec<ViewerSample>>;

    /// Money events in `[from, to)`, newest first (at most `limit`), and the totals of
    /// all of them.
    async fn transactions(
        &self,
        id: &ChannelId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<(Vec<TransactionRecord>, MoneySummary)>;

    /// The most frequent emotes or chatters over windows starting in `[from, to)`.
    async fn top(
        &self,
        id: &ChannelId,
        list: TopList,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<CountEntry>>;

    /// Checks that the store answers.
    async fn ping(&self) -> Result<()>;
}
