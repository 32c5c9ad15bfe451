//! The in-process bus of the embedded default: a bounded queue in front of the engine.
//!
//! All partitions share one queue, so records of a partition keep their order and a
//! full queue makes producers wait (backpressure) instead of growing memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use telemetra_types::Topic;
use tokio::sync::mpsc;

use crate::{partition_for, Record};

/// Creates a bus with `partitions` partitions per topic and room for `capacity` records.
pub fn bus(partitions: u32, capacity: usize) -> (MemoryProducer, MemoryConsumer) {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let producer = MemoryProducer {
        tx,
        partitions: partitions.max(1),
        offsets: Arc::default(),
    };
    (producer, MemoryConsumer { rx })
}

/// Sends records; clone it for several producers.
#[derive(Clone)]
pub struct MemoryProducer {
    tx: mpsc::Sender<Record>,
    partitions: u32,
    offsets: Arc<Mutex<NextOffsets>>,
}

/// The next offset of each (topic, partition).
type NextOffsets = HashMap<(Option<Topic>, u32), u64>;

/// The consumer is gone: nothing can be delivered any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl MemoryProducer {
    /// Appends `payload` to the partition of `key`, waiting while the bus is full.
    pub async fn send(
        &self,
        topic: Option<Topic>,
        key: &[u8],
        payload: Bytes,
    ) -> Result<(), Closed> {
        let partition = partition_for(key, self.partitions);
        // Offsets are assigned and the record enqueued under one lock, so offsets
        // within a partition are in queue order.
        let permit = self.tx.reserve().await.map_err(|_| Closed)?;
        let mut offsets = self.offsets.lock().unwrap_or_else(|e| e.into_inner());
        let next = offsets.entry((topic, partition)).or_insert(0);
        let offset = *next;
        *next += 1;
        permit.send(Record {
            topic,
            partition,
            offset,
            payload,
        });
        Ok(())
    }

    /// Partitions per topic.
    pub fn partitions(&self) -> u32 {
        self.partitions
    }
}

/// Receives records in batches.
pub struct MemoryConsumer {
    rx: mpsc::Receiver<Record>,
}

impl MemoryConsumer {
    /// Waits for at least one record and returns up to `max` of them; `None` once
    /// every producer is gone and the queue is drained.
    pub async fn recv_batch(&mut self, max: usize) -> Option<Vec<Record>> {
        let mut batch = Vec::with_capacity(max.min(1024));
        let n = self.rx.recv_many(&mut batch, max.max(1)).await;
        (n > 0).then_some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_keep_partition_order_with_dense_offsets() {
        let (producer, mut consumer) = bus(4, 1_000);
        for i in 0..100u32 {
            let key = format!("channel{}", i % 7);
            producer
                .send(
                    Some(Topic::Chat),
                    key.as_bytes(),
                    Bytes::from(i.to_string()),
                )
                .await
                .unwrap();
        }
        drop(producer);
        let mut all = Vec::new();
        while let Some(batch) = consumer.recv_batch(16).await {
            assert!(batch.len() <= 16);
            all.extend(batch);
        }
        assert_eq!(all.len(), 100);
        for p in 0..4 {
            let offsets: Vec<u64> = all
                .iter()
                .filter(|r| r.partition == p)
                .map(|r| r.offset)
                .collect();
            assert_eq!(offsets, (0..offsets.len() as u64).collect::<Vec<_>>());
        }
    }
}
