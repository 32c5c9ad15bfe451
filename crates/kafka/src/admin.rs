//! Creating the topics and reading their shape.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;

use crate::KafkaSettings;

const TIMEOUT: Duration = Duration::from_secs(30);

/// Creates the input topics and the dead-letter topic where missing, with
/// `partitions` partitions each, then checks that the input topics are
/// co-partitioned (same partition count), which sharding by partition number needs.
pub async fn ensure_topics(
    settings: &KafkaSettings,
    partitions: i32,
    replication: i32,
) -> Result<BTreeMap<String, usize>> {
    let admin: AdminClient<DefaultClientContext> = settings
        .client_config(&[])
        .create()
        .context("could not create the Kafka admin client")?;
    let mut names = settings.input_topics();
    names.push(&settings.topics.dlq);
    let new: Vec<NewTopic> = names
        .iter()
        .map(|n| NewTopic::new(n, partitions, TopicReplication::Fixed(replication)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(TIMEOUT));
    let results = admin
        .create_topics(new.iter(), &opts)
        .await
        .with_context(|| format!("could not reach Kafka at {}", settings.brokers))?;
    for result in results {
        match result {
            Ok(name) => tracing::info!(topic = %name, partitions, "Created topic."),
            Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => bail!("could not create topic {name}: {code}"),
        }
    }
    partition_counts(settings)
}

/// Partitions of each input topic; fails unless they all have the same count.
pub fn partition_counts(settings: &KafkaSettings) -> Result<BTreeMap<String, usize>> {
    let admin: AdminClient<DefaultClientContext> = settings
        .client_config(&[])
        .create()
        .context("could not create the Kafka admin client")?;
    let metadata = admin
        .inner()
        .fetch_metadata(None, TIMEOUT)
        .with_context(|| format!("could not read topic metadata from {}", settings.brokers))?;
    let mut counts = BTreeMap::new();
    for name in settings.input_topics() {
        let topic = metadata
            .topics()
            .iter()
            .find(|t| t.name() == name)
            .with_context(|| format!("topic {name} does not exist"))?;
        counts.insert(name.to_owned(), topic.partitions().len());
    }
    let distinct: std::collections::BTreeSet<_> = counts.values().collect();
    if distinct.len() > 1 {
        bail!(
            "the input topics must have the same number of partitions (a channel's events are \
             processed together by partition number), but they have {counts:?}"
        );
    }
    Ok(counts)
}
