//! The stream engine: events in, window results and moments out. No I/O.
//!
//! The engine sits between the bus and the store. Callers feed it decoded events
//! tagged with their input partition ([`Engine::process`], or
//! [`Engine::process_view`] for chat still borrowing its input bytes), let it move the
//! watermark and close windows ([`Engine::advance`]), ask for running values of
//! open windows about once a second ([`Engine::emit_running`]), and drain the
//! [`Output`]s. Everything is a function of event time except two explicitly
//! wall-clock rules: idle partitions stop holding the watermark back, and events
//! too far in the future are refused.
//!
//! Sliding windows are kept as slide-sized panes (one pane update per event, a
//! window is the merge of `window / slide` panes), after arroyo's sliding
//! aggregating window.

mod aggregate;
mod config;
mod engine;
mod moments;
mod sentiment;
mod stream;
mod vader;
mod watermark;
mod window;

#[cfg(test)]
mod interleaving;
#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;

pub use config::{ConfigError, EngineConfig, LatePolicy, MomentConfig};
pub use engine::{Engine, EngineStats, Output, RestoreError, Verdict};
pub use sentiment::{
    Sentiment, SentimentClass, SentimentModel, NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD,
};
pub use watermark::WatermarkTracker;
pub use window::WindowSpec;
