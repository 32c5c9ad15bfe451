//! Telemetra on Kafka (librdkafka through `rdkafka`).
//!
//! The four input topics are co-partitioned: every producer keys by channel with
//! Kafka's own murmur2 partitioner, so one channel's chat, viewer, money and
//! lifecycle events all sit in the same partition number of their topics. A
//! processor's unit of work, a *shard*, is one partition number across the four
//! topics; consumer groups use the range assignor, which gives all four partitions
//! of a shard to the same member.

mod admin;
mod consumer;
mod producer;

use rdkafka::ClientConfig;
use telemetra_types::Topics;

pub use admin::{ensure_topics, partition_counts};
pub use consumer::{Delivery, ShardConsumer, StartOffsets};
pub use producer::EventProducer;

/// How to reach the cluster and what the topics are called.
#[derive(Clone, Debug)]
pub struct KafkaSettings {
    /// Bootstrap servers, comma-separated `host:port`.
    pub brokers: String,
    /// Topic names.
    pub topics: Topics,
    /// Extra librdkafka properties (`key=value`), applied last: security settings,
    /// timeouts, anything the cluster needs.
    pub options: Vec<(String, String)>,
}

impl KafkaSettings {
    /// A client configuration with the brokers, `defaults`, then the user's options.
    fn client_config(&self, defaults: &[(&str, &str)]) -> ClientConfig {
        let mut cfg = ClientConfig::new();
        cfg.set("bootstrap.servers", &self.brokers);
        for (k, v) in defaults {
            cfg.set(*k, *v);
        }
        for (k, v) in &self.options {
            cfg.set(k, v);
        }
        cfg
    }

    /// The names of the four input topics, in [`telemetra_types::Topic::ALL`] order.
    pub fn input_topics(&self) -> Vec<&str> {
        telemetra_types::Topic::ALL
            .iter()
            .map(|t| self.topics.name(*t))
            .collect()
    }
}
