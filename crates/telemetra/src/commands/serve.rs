//! `telemetra serve`: the API and dashboard of the distributed mode.
//!
//! Reads results from PostgreSQL and relays live updates from Redis pub/sub, so any
//! number of instances can sit behind a load balancer. Starts even while PostgreSQL
//! or Redis is down: `/ready` says so until they answer.

use std::sync::Arc;

use anyhow::{Context, Result};
use telemetra_api::AppState;
use telemetra_live::{LiveHub, RedisHub};
use telemetra_store::SqlStore;

use crate::cli::ServeArgs;

pub async fn serve(args: ServeArgs) -> Result<()> {
    let store = Arc::new(
        SqlStore::connect_postgres(&args.postgres.postgres_url)
            .context("invalid --postgres URL")?,
    );
    if args.migrate {
        let store = store.clone();
        tokio::spawn(async move { super::migrate_with_retry(&store).await });
    }
    let hub: Arc<dyn LiveHub> = Arc::new(
        RedisHub::start(&args.redis.redis_url, &args.redis.redis_prefix, false, true)
            .context("invalid --redis URL")?,
    );
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    tracing::info!(listen = %args.listen, "Serving the API and dashboard: open http://{}/", args.listen);
    telemetra_api::serve(
        listener,
        AppState::new(store, hub, args.http.security()),
        super::shutdown_signal(),
    )
    .await
    .context("the server failed")
}
