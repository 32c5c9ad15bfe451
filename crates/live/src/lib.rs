//! Live updates: the latest numbers of each channel, fanned out to every WebSocket.
//!
//! The processor publishes [`LiveMessage`]s per channel; each API connection
//! subscribes to its channel. Messages are serialized once at publish time and
//! shared by all subscribers. [`LiveHub`] is the seam: the embedded default uses the
//! in-process [`MemoryHub`]; the distributed mode relays through Redis pub/sub into
//! the same kind of local fan-out on every API instance.

mod hub;
mod message;
mod redis_hub;

pub use hub::{LiveHub, MemoryHub, Subscription};
pub use message::LiveMessage;
pub use redis_hub::RedisHub;
