//! The consumer-group reader: a thread that polls Kafka, forwards records, and hands
//! shards over when the group rebalances.
//!
//! librdkafka calls the rebalance callback on the polling thread. The callback sends
//! the change to the processor and waits for its answer before the partitions are
//! assigned or released: on revocation the processor checkpoints the shards it loses
//! first, and on assignment it says where each partition starts (its checkpoint),
//! so reading resumes exactly after what is durably accounted for.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// How long a batch keeps gathering records after its first one.
const LINGER: Duration = Duration::from_millis(20);

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
    /// These partitions have been read to the end of their log as far as the last
    /// statistics from the brokers tell (every half second); sent after records.
    Drained(Vec<(Topic, u32)>),
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
/// Log start and end offsets per partition, from the client's statistics.
type Ends = Arc<Mutex<HashMap<(Topic, u32), (i64, i64)>>>;

struct GroupContext {
    topics: Topics,
    deliveries: mpsc::Sender<Delivery>,
    positions: Positions,
    ends: Ends,
    connected: Arc<AtomicBool>,
}

impl ClientContext for GroupContext {
    fn stats(&self, statistics: rdkafka::Statistics) {
        {
            let mut ends = self.ends.lock().expect("ends lock");
            for (name, topic) in &statistics.topics {
                let Some(t) = self.topics.by_name(name) else {
                    continue;
                };
                for (p, stats) in &topic.partitions {
                    if *p >= 0 && stats.hi_offset >= 0 {
                        ends.insert((t, *p as u32), (stats.lo_offset.max(0), stats.hi_offset));
                    }
                }
            }
        }
        let connected = in_contact(&statistics, &self.topics);
        let was = self.connected.swap(connected, Ordering::Relaxed);
        if was && !connected {
            tracing::warn!("Lost contact with the Kafka brokers (group coordinator or a partition leader); reading pauses until they are back.");
        } else if !was && connected {
            tracing::info!("In contact with the Kafka brokers.");
        }
    }
}

/// Whether, as of these statistics, the consumer can do its work: its connection to
/// the group coordinator is up (when it has one) and the broker leading each of its
/// partitions is connected. librdkafka reconnects by itself; this only reports it.
fn in_contact(statistics: &rdkafka::Statistics, topics: &Topics) -> bool {
    let up = |node: i32| {
        statistics
            .brokers
            .values()
            .any(|b| b.nodeid == node && b.state == "UP")
    };
    if let Some(group) = &statistics.cgrp {
        if group.state != "up" {
            return false;
        }
    }
    let mut leaders = statistics
        .topics
        .iter()
        .filter(|(name, _)| topics.by_name(name).is_some())
        .flat_map(|(_, t)| t.partitions.values())
        .filter(|p| p.partition >= 0 && p.desired)
        .map(|p| p.leader)
        .peekable();
    if leaders.peek().is_none() {
        // Nothing assigned yet: any connected broker will do.
        return statistics
            .brokers
            .values()
            .any(|b| b.nodeid >= 0 && b.state == "UP");
    }
    leaders.all(|leader| leader >= 0 && up(leader))
}

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
    positions: Positions,
    ends: Ends,
    connected: Arc<AtomicBool>,
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
        let ends: Ends = Arc::default();
        let connected = Arc::new(AtomicBool::new(false));
        let context = GroupContext {
            topics: settings.topics.clone(),
            deliveries: tx.clone(),
            positions: positions.clone(),
            ends: ends.clone(),
            connected: connected.clone(),
        };
        let consumer: BaseConsumer<GroupContext> = settings
            .client_config(&[
                ("group.id", group_id),
                ("enable.auto.commit", "false"),
                ("auto.offset.reset", "earliest"),
                // All four topics' partition p go to the same member: one shard.
                ("partition.assignment.strategy", "range"),
                // Partition end offsets (for drained partitions and lag) arrive with these.
                ("statistics.interval.ms", "500"),
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
            positions: positions.clone(),
            ends: ends.clone(),
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
            positions,
            ends,
            connected,
            thread: Some(thread),
        })
    }

    /// A flag that is true while the consumer is in contact with the brokers it needs
    /// (the group coordinator and its partitions' leaders), as of the client's last
    /// statistics (every half second); false until the first report.
    pub fn connected(&self) -> Arc<AtomicBool> {
        self.connected.clone()
    }

    /// The next delivery; `None` once the reader has stopped.
    pub async fn next(&mut self) -> Option<Delivery> {
        self.deliveries.recv().await
    }

    /// Records not yet read from the assigned partitions, per topic, as of the last
    /// client statistics.
    pub fn lag(&self) -> Vec<(Topic, i64)> {
        let positions = self.positions.lock().expect("positions lock");
        let ends = self.ends.lock().expect("ends lock");
        Topic::ALL
            .iter()
            .map(|topic| {
                let lag = positions
                    .iter()
                    .filter(|((t, _), _)| t == topic)
                    .filter_map(|(tp, next)| {
                        let (low, high) = ends.get(tp)?;
                        Some((high - next.unwrap_or(*low).max(*low)).max(0))
                    })
                    .sum();
                (*topic, lag)
            })
            .collect()
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
    ends: Ends,
    stop_at_end: bool,
    batch: usize,
}

impl Reader {
    fn run(self, commands: std_mpsc::Receiver<Command>) {
        let mut caught_up_sent = false;
        let mut drained_sent = Vec::new();
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
            // Wait up to 100 ms for a first record, then gather more for up to 20 ms:
            // fewer, fuller batches mean fewer store transactions.
            let mut timeout = Duration::from_millis(100);
            let mut gather_until: Option<Instant> = None;
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
                let until = *gather_until.get_or_insert_with(|| Instant::now() + LINGER);
                timeout = until.saturating_duration_since(Instant::now());
                if timeout.is_zero() {
                    break;
                }
            }
            let got_records = !records.is_empty();
            if got_records {
                caught_up_sent = false;
                if self.tx.blocking_send(Delivery::Records(records)).is_err() {
                    break;
                }
            }
            let drained = self.drained();
            if !drained.is_empty() && (got_records || drained != drained_sent) {
                drained_sent = drained.clone();
                if self.tx.blocking_send(Delivery::Drained(drained)).is_err() {
                    break;
                }
            }
            if !got_records && self.stop_at_end && !caught_up_sent && self.caught_up() {
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
            let _ =
                tpl.add_partition_offset(self.topics.name(topic), p as i32, Offset::Offset(next));
        }
        if let Err(e) = self.consumer.commit(&tpl, CommitMode::Async) {
            tracing::debug!(error = %e, "Offset commit not accepted.");
        }
    }

    /// Assigned partitions delivered up to the end of their log (as last reported).
    fn drained(&self) -> Vec<(Topic, u32)> {
        let positions = self.positions.lock().expect("positions lock");
        let ends = self.ends.lock().expect("ends lock");
        let mut drained: Vec<(Topic, u32)> = positions
            .iter()
            .filter(|(tp, next)| {
                ends.get(tp)
                    .is_some_and(|(low, high)| next.unwrap_or(*low).max(*low) >= *high)
            })
            .map(|(tp, _)| *tp)
            .collect();
        drained.sort_unstable();
        drained
    }

    /// Whether every assigned partition has been delivered up to the end of its log.
    fn caught_up(&self) -> bool {
        let assigned = self.positions.lock().expect("positions lock").len();
        assigned > 0 && self.drained().len() == assigned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::statistics::{Broker, ConsumerGroup, Partition, Statistics, Topic as TopicStats};

    /// Statistics of a consumer with the coordinator in `group_state`, brokers 1 and 2
    /// in the given states, and chat partitions 0 (led by 1) and 1 (led by 2)
    /// assigned when `assigned`.
    fn stats(group_state: &str, b1: &str, b2: &str, assigned: bool) -> Statistics {
        let topics = Topics::default();
        let mut s = Statistics {
            cgrp: Some(ConsumerGroup {
                state: group_state.into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        for (id, state) in [(1, b1), (2, b2)] {
            s.brokers.insert(
                format!("127.0.0.1:909{id}/{id}"),
                Broker {
                    nodeid: id,
                    state: state.into(),
                    ..Default::default()
                },
            );
        }
        // The bootstrap entry: never a partition leader.
        s.brokers.insert(
            "127.0.0.1:9091/bootstrap".into(),
            Broker {
                nodeid: -1,
                state: "UP".into(),
                ..Default::default()
            },
        );
        if assigned {
            let mut t = TopicStats::default();
            for (p, leader) in [(0, 1), (1, 2), (-1, -1)] {
                t.partitions.insert(
                    p,
                    Partition {
                        partition: p,
                        leader,
                        desired: p >= 0,
                        ..Default::default()
                    },
                );
            }
            s.topics.insert(topics.chat.clone(), t);
        }
        s
    }

    #[test]
    fn contact_needs_the_coordinator_and_every_partition_leader() {
        let topics = Topics::default();
        assert!(in_contact(&stats("up", "UP", "UP", true), &topics));
        assert!(!in_contact(&stats("up", "UP", "DOWN", true), &topics));
        assert!(!in_contact(
            &stats("up", "TRY_CONNECT", "UP", true),
            &topics
        ));
        assert!(!in_contact(
            &stats("wait-broker-transport", "UP", "UP", true),
            &topics
        ));
        // Nothing assigned yet: one connected broker is enough.
        assert!(in_contact(&stats("up", "DOWN", "UP", false), &topics));
        assert!(!in_contact(&stats("up", "DOWN", "CONNECT", false), &topics));
        // Partitions of other topics do not count.
        let mut other = stats("up", "UP", "DOWN", false);
        other.topics.insert(
            "unrelated".into(),
            stats("up", "UP", "UP", true)
                .topics
                .remove(&topics.chat)
                .unwrap(),
        );
        assert!(in_contact(&other, &topics));
    }
}
