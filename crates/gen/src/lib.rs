//! Synthetic live streams: the source of the embedded default and of test data.
//!
//! A [`Generator`] is a deterministic function of its [`GenConfig`] (seed included):
//! the same config yields the same events, ids and timestamps, whether they are
//! written to a file (`telemetra generate`) or paced against the wall clock
//! (`telemetra run`). Channels have Zipf-like popularity, chatters Zipf-like
//! activity; viewer counts walk randomly; and scripted [`Episode`]s (a chat burst,
//! a raid) are played at recorded times so tests can check the moments detected.

mod episode;
mod generator;
mod text;

pub use episode::{Episode, EpisodeKind};
pub use generator::{GenConfig, Generator};
