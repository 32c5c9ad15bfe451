//! The consumer-group reader: a thread that polls Kafka, forwards records, and hands
//! shards over when the group rebalances.
//!
//! librdkafka calls the rebalance callback on the polling thread. The callback sends
//! the change to the processor and waits for its answer before the partitions are
//! assigned or released: on revocation the processor checkpoints the shards it loses
//! first, and on assignment it says where each partition starts (its checkpoint),
//! so reading resumes exactly after what is durably accounted for.

use std::collections::HashMap;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use bytes::Bytes;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext};
use rdkafka::types::RDKafkaRespErr;
use rdkafka::{ClientContext, Message, Offset, TopicPartitionList};
use telemetra_bus::Record;
use telemetra_types::{Topic, Topics};
use tokio::sync::{mpsc, oneshot};

use crate::KafkaSettings;

/// Where each partition of newly assigned shards starts: the next offset after the
/// shard's checkpoint. Partitions not listed start at the beginning.
pub type StartOffsets = HashMap<(Topic, u32), i64>;

/// What the reader hands to the processor, in order.
#[derive(Debug)]
pub enum Delivery {
    /// The group gave this member these shards; answer with where to start.
    Assigned {
        /// Partition numbers.
        shards: Vec<u32>,
        /// Send the start offsets here.
        reply: oneshot::Sender<StartOffsets>,
    },
    /// These shards are being taken away; answer once their state is saved.
    Revoked {
        /// Partition numbers.
        shards: Vec<u32>,
        /// Send here when done.
        done: oneshot::Sender<()>,
    },
    /// Records read (`Record::partition` is the shard).
    Records(Vec<Record>),
    /// Every assigned partition has been read to its end (only when asked to stop
    /// at the end).
    CaughtUp,
}

enum Command {
    Commit(Vec<(Topic, u32, i64)>),
    Stop,
}

/// Next offset to deliver per assigned partition (`None`: from the beginning).
type Positions = Arc<Mutex<HashMap<(Topic, u32), Option<i64>>>>;

struct GroupContext {
    topics: Topics,
    deliveries: mpsc::Sender<Delivery>,
    positions: Positions,
}

impl ClientContext for GroupContext {}

impl ConsumerContext for GroupContext {
    fn rebalance(
        &self,
        consumer: &BaseConsumer<Self>,
        err: RDKafkaRespErr,
        tpl: &mut TopicPartitionList,
    ) {
        let partitions: Vec<(Topic, u32)> = tpl
            .elements()
            .iter()
            .filter_map(|e| Some((self.topics.by_name(e.topic())?, e.partition() as u32)))
            .collect();
        let mut shards: Vec<u32> = partitions.iter().map(|(_, p)| *p).collect();
        shards.sort_unstable();
        shards.dedup();
        match err {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => {
                tracing::info!(?shards, "Shards assigned.");
                let (reply, answer) = oneshot::channel();
                let starts = match self
                    .deliveries
                    .blocking_send(Delivery::Assigned { shards, reply })
                {
                    Ok(()) => answer.blocking_recv().ok(),
                    Err(_) => None,
                };
                let Some(starts) = starts else {
                    // The processor is gone: take nothing.
                    let _ = consumer.unassign();
                    return;
                };
                let mut assignment = TopicPartitionList::new();
                let mut positions = self.positions.lock().expect("positions lock");
                positions.clear();
                for (topic, p) in partitions {
                    let start = starts.get(&(topic, p)).copied();
                    let offset = start.map_or(Offset::Beginning, Offset::Offset);
                    let name = self.topics.name(topic);
                    if let Err(e) = assignment.add_partition_offset(name, p as i32, offset) {
                        tracing::error!(error = %e, topic = name, partition = p, "Bad start offset.");
                    }
                    positions.insert((topic, p), start);
                }
                if let Err(e) = consumer.assign(&assignment) {
                    tracing::error!(error = %e, "Could not take the assigned partitions.");
                }
            }
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS => {
                tracing::info!(?shards, "Shards revoked.");
                let (done, answer) = oneshot::channel();
                if self
                    .deliveries
                    .blocking_send(Delivery::Revoked { shards, done })
                    .is_ok()
                {
                    let _ = answer.blocking_recv();
                }
                self.positions.lock().expect("positions lock").clear();
                let _ = consumer.unassign();
            }
            other => {
                tracing::error!(error = ?other, "Rebalance failed; releasing all partitions.");
                self.positions.lock().expect("positions lock").clear();
                let _ = consumer.unassign();
            }
        }
    }
}

/// A consumer-group member reading the four input topics on its own thread.
pub struct ShardConsumer {
    deliveries: mpsc::Receiver<Delivery>,
    commands: std_mpsc::Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl ShardConsumer {
    /// Joins group `group_id` and starts reading. With `stop_at_end`, a
    /// [`Delivery::CaughtUp`] is sent whenever every assigned partition has been read
    /// to its end. At most `buffer` batches of up to `batch` records wait for the
    /// processor; then reading pauses (backpressure instead of memory growth).
    pub fn start(
        settings: &KafkaSettings,
        group_id: &str,
        stop_at_end: bool,
        batch: usize,
        buffer: usize,
    ) -> Result<Self> {
        let (tx, deliveries) = mpsc::channel(buffer.max(1));
        let positions: Positions = Arc::default();
        let context = GroupContext {
            topics: settings.topics.clone(),
            deliveries: tx.clone(),
            positions: positions.clone(),
        };
        let consumer: BaseConsumer<GroupContext> = settings
            .client_config(&[
                ("group.id", group_id),
                ("enable.auto.commit", "false"),
                ("auto.offset.reset", "earliest"),
                // All four topics' partition p go to the same member: one shard.
                ("partition.assignment.strategy", "range"),
            ])
            .create_with_context(context)
            .context("could not create the Kafka consumer")?;
        consumer
            .subscribe(&settings.input_topics())
            .context("could not subscribe to the input topics")?;
        let (commands, command_rx) = std_mpsc::channel();
        let reader = Reader {
            consumer,
            topics: settings.topics.clone(),
            tx,
            positions,
            stop_at_end,
            batch: batch.max(1),
        };
        let thread = std::thread::Builder::new()
            .name("kafka-reader".into())
            .spawn(move || reader.run(command_rx))
            .context("could not start the Kafka reader thread")?;
        Ok(Self {
            deliveries,
            commands,
            thread: Some(thread),
        })
    }

    /// The next delivery; `None` once the reader has stopped.
    pub async fn next(&mut self) -> Option<Delivery> {
        self.deliveries.recv().await
    }

    /// Commits these next-offsets to the group (asynchronously, for lag monitoring
    /// and tools; the checkpoints in the store are what a restart resumes from).
    pub fn commit(&self, offsets: Vec<(Topic, u32, i64)>) {
        let _ = self.commands.send(Command::Commit(offsets));
    }

    /// Asks the reader to leave the group. Keep calling [`ShardConsumer::next`] until
    /// it returns `None`: leaving revokes the shards through a [`Delivery::Revoked`].
    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
    }
}

impl Drop for ShardConsumer {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        self.deliveries.close();
        // Unblock a reader waiting for room, then wait for it to leave the group.
        while self.deliveries.try_recv().is_ok() {}
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Reader {
    consumer: BaseConsumer<GroupContext>,
    topics: Topics,
    tx: mpsc::Sender<Delivery>,
    positions: Positions,
    stop_at_end: bool,
    batch: usize,
}

impl Reader {
    fn run(self, commands: std_mpsc::Receiver<Command>) {
        let mut caught_up_sent = false;
        let mut last_error_log: Option<Instant> = None;
        'read: loop {
            loop {
                match commands.try_recv() {
                    Ok(Command::Commit(offsets)) => self.commit(offsets),
                    Ok(Command::Stop) | Err(std_mpsc::TryRecvError::Disconnected) => break 'read,
                    Err(std_mpsc::TryRecvError::Empty) => break,
                }
            }
            let mut records = Vec::new();
            let mut timeout = Duration::from_millis(100);
            while records.len() < self.batch {
                match self.consumer.poll(timeout) {
                    None => break,
                    Some(Ok(m)) => {
                        let Some(topic) = self.topics.by_name(m.topic()) else {
                            continue;
                        };
                        let partition = m.partition() as u32;
                        let offset = m.offset();
                        if let Some(p) = self
                            .positions
                            .lock()
                            .expect("positions lock")
                            .get_mut(&(topic, partition))
                        {
                            *p = Some(offset + 1);
                        }
                        records.push(Record {
                            topic: Some(topic),
                            partition,
                            offset: offset as u64,
                            payload: Bytes::copy_from_slice(m.payload().unwrap_or_default()),
                        });
                    }
                    Some(Err(e)) => {
                        // librdkafka reconnects by itself; say so at most every 10 s.
                        if last_error_log.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                            tracing::warn!(error = %e, "Kafka consumer error; retrying.");
                            last_error_log = Some(Instant::now());
                        }
                        break;
                    }
                }
                timeout = Duration::ZERO;
            }
            if !records.is_empty() {
                caught_up_sent = false;
                if self.tx.blocking_send(Delivery::Records(records)).is_err() {
                    break;
                }
            } else if self.stop_at_end && !caught_up_sent && self.caught_up() {
                caught_up_sent = true;
                if self.tx.blocking_send(Delivery::CaughtUp).is_err() {
                    break;
                }
            }
        }
        // Dropping the consumer closes it: it leaves the group, and the rebalance
        // callback revokes the shards through the processor first.
        drop(self.consumer);
    }

    fn commit(&self, offsets: Vec<(Topic, u32, i64)>) {
        let mut tpl = TopicPartitionList::new();
        for (topic, p, next) in offsets {
            let _ = tpl.add_partition_offset(self.topics.name(topic), p as i32, Offset::Offset(next));
        }
        if let Err(e) = self.consumer.commit(&tpl, CommitMode::Async) {
            tracing::debug!(error = %e, "Offset commit not accepted.");
        }
    }

    /// Whether every assigned partition has been delivered up to its high watermark.
    fn caught_up(&self) -> bool {
        let positions = self.positions.lock().expect("positions lock").clone();
        if positions.is_empty() {
            return false;
        }
        positions.iter().all(|((topic, p), next)| {
            match self.consumer.fetch_watermarks(
                self.topics.name(*topic),
                *p as i32,
                Duration::from_secs(5),
            ) {
                Ok((low, high)) => next.unwrap_or(low).max(low) >= high,
                Err(_) => false,
            }
        })
    }
}
