//! `telemetra`: real-time analytics for live streams, in one binary.
//!
//! `main` parses the command line, sets up logging, runs the subcommand and maps
//! the result to an exit code. Each subcommand lives in its own file.

mod cli;
mod commands;
mod config;
mod input;
mod processor;

use std::process::ExitCode;

use clap::Parser;

/// The engine allocates per event; mimalloc does that faster than the system
/// allocator (BENCHMARKS.md, "Engine").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before parsing (the file fills in environment variables) and before any thread.
    let args: Vec<String> = std::env::args().collect();
    if let Err(e) = config::apply(&args) {
        eprintln!("error: {e:#}");
        return ExitCode::from(2);
    }
    let cli = cli::Cli::parse();
    init_logging(&cli.global);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(global: &cli::GlobalArgs) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("TELEMETRA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if global.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}
