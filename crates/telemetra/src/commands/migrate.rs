//! `telemetra migrate`: the PostgreSQL schema, versioned.

use anyhow::{Context, Result};
use telemetra_store::SqlStore;

use crate::cli::MigrateArgs;

pub async fn migrate(args: MigrateArgs) -> Result<()> {
    let store = SqlStore::connect_postgres(&args.postgres.postgres_url)
        .context("invalid --postgres URL")?;
    store
        .migrate()
        .await
        .context("could not migrate PostgreSQL")?;
    println!("schema is up to date");
    Ok(())
}
