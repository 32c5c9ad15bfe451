//! The keyed, idempotent producer.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::ClientContext;

use crate::KafkaSettings;

/// Counts acknowledged and failed deliveries (librdkafka retries by itself; a
/// failure here means a message is lost unless the caller acts).
#[derive(Default)]
struct Deliveries {
    acked: AtomicU64,
    failed: AtomicU64,
}

#[derive(Clone, Default)]
struct DeliveryContext {
    deliveries: Arc<Deliveries>,
}

impl ClientContext for DeliveryContext {}

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(_) => self.deliveries.acked.fetch_add(1, Ordering::Relaxed),
            Err((e, _)) => {
                tracing::error!(error = %e, "A message could not be delivered to Kafka.");
                self.deliveries.failed.fetch_add(1, Ordering::Relaxed)
            }
        };
    }
}

/// Sends events keyed by channel. Idempotent (no duplicates from its own retries,
/// order kept per partition) and partitioned with Kafka's murmur2, like the Java
/// client, so a channel maps to the same partition whoever produced it.
pub struct EventProducer {
    producer: ThreadedProducer<DeliveryContext>,
    context: DeliveryContext,
}

impl EventProducer {
    /// Connects (lazily: librdkafka keeps retrying until the brokers answer).
    pub fn new(settings: &KafkaSettings) -> Result<Self> {
        let context = DeliveryContext::default();
        let producer = settings
            .client_config(&[
                ("enable.idempotence", "true"),
                ("acks", "all"),
                ("partitioner", "murmur2_random"),
                ("compression.type", "lz4"),
                ("linger.ms", "5"),
                ("message.timeout.ms", "300000"),
            ])
            .create_with_context(context.clone())
            .context("could not create the Kafka producer")?;
        Ok(Self { producer, context })
    }

    /// Queues one message, waiting while the local queue is full.
    pub fn send(
        &self,
        topic: &str,
        key: &[u8],
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> Result<()> {
        let mut record = BaseRecord::to(topic).key(key).payload(payload);
        if !headers.is_empty() {
            let mut h = OwnedHeaders::new();
            for (k, v) in headers {
                h = h.insert(Header {
                    key: k,
                    value: Some(*v),
                });
            }
            record = record.headers(h);
        }
        loop {
            match self.producer.send(record) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    record = r;
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err((e, _)) => bail!("could not queue a message for {topic}: {e}"),
            }
        }
    }

    /// Waits until every queued message is acknowledged (or `timeout` passes), and
    /// fails if any could not be delivered.
    pub fn flush(&self, timeout: Duration) -> Result<()> {
        self.producer
            .flush(timeout)
            .context("Kafka did not acknowledge every message in time")?;
        let failed = self.failed();
        if failed > 0 {
            bail!("{failed} messages could not be delivered to Kafka");
        }
        Ok(())
    }

    /// Messages acknowledged so far.
    pub fn acked(&self) -> u64 {
        self.context.deliveries.acked.load(Ordering::Relaxed)
    }

    /// Messages that could not be delivered.
    pub fn failed(&self) -> u64 {
        self.context.deliveries.failed.load(Ordering::Relaxed)
    }
}
