//! One file per subcommand.

mod bench;
mod bench_ws;
mod generate;
mod ingest;
mod migrate;
mod process;
mod produce;
mod replay;
mod run;
mod sentiment;
mod serve;
mod twitch;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use telemetra_store::SqlStore;

use crate::cli::{Cli, Command};

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::run(args).await,
        Command::Replay(args) => replay::replay(args).await,
        Command::Generate(args) => generate::generate(args),
        Command::Bench(cmd) => bench::bench(cmd).await,
        Command::Serve(args) => serve::serve(args).await,
        Command::Migrate(args) => migrate::migrate(args).await,
        Command::Produce(args) => produce::produce(args).await,
        Command::Process(args) => process::process(args).await,
        Command::Ingest(cmd) => ingest::ingest(cmd).await,
        Command::Sentiment(args) => sentiment::sentiment(args),
    }
}

/// Opens (creating) the embedded database under `data_dir`.
async fn open_embedded_store(data_dir: &Path) -> Result<Arc<SqlStore>> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("could not create the data directory {}", data_dir.display()))?;
    let store = SqlStore::open_sqlite(&data_dir.join("telemetra.db"))
        .await
        .with_context(|| {
            format!(
                "could not open the embedded store in {}",
                data_dir.display()
            )
        })?;
    Ok(Arc::new(store))
}

/// Applies the migrations, retrying with backoff until PostgreSQL answers.
pub(crate) async fn migrate_with_retry(store: &SqlStore) {
    let mut delay = Duration::from_millis(200);
    loop {
        match store.migrate().await {
            Ok(()) => return tracing::info!("Schema is up to date."),
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "Could not migrate yet.");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
