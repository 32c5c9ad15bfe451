//! One file per subcommand.

mod generate;
mod replay;
mod run;
mod sentiment;

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use telemetra_store::SqliteStore;

use crate::cli::{Cli, Command};

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run::run(args).await,
        Command::Replay(args) => replay::replay(args).await,
        Command::Generate(args) => generate::generate(args),
        Command::Sentiment(args) => sentiment::sentiment(args),
    }
}

/// Opens (creating) the embedded database under `data_dir`.
async fn open_embedded_store(data_dir: &Path) -> Result<Arc<SqliteStore>> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("could not create the data directory {}", data_dir.display()))?;
    let store = SqliteStore::open(&data_dir.join("telemetra.db"))
        .await
        .with_context(|| {
            format!(
                "could not open the embedded store in {}",
                data_dir.display()
            )
        })?;
    Ok(Arc::new(store))
}
