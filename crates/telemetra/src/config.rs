//! The optional TOML configuration file, under flags and environment variables.
//!
//! Precedence (SPEC §7): command-line flags > `TELEMETRA_*` environment variables >
//! the TOML file > built-in defaults. clap already gives flags precedence over the
//! environment, so the file is applied underneath by turning each of its settings into
//! the environment variable of the same option, unless that variable is already set.
//! Every option therefore has one name in three places: `--late-policy`,
//! `TELEMETRA_LATE_POLICY`, `late_policy = "drop"`. Keys may be grouped in tables
//! (`[engine]`, `[generator]`, …); the table names are for the reader only.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use clap::CommandFactory;

use crate::cli::Cli;

/// Finds `--config FILE` (or `--config=FILE`) in the arguments, else `TELEMETRA_CONFIG`.
pub fn config_path(args: &[String]) -> Option<String> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--config" {
            return iter.next().cloned();
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(path.to_owned());
        }
    }
    std::env::var("TELEMETRA_CONFIG").ok()
}

/// The settings of a config file as `TELEMETRA_*` variables, checked against the
/// options that exist: an unknown key is an error, not a silent no-op.
pub fn settings(text: &str, origin: &str) -> Result<BTreeMap<String, String>> {
    let table: toml::Table =
        toml::from_str(text).with_context(|| format!("{origin} is not valid TOML"))?;
    let known = known_env_names();
    let mut out = BTreeMap::new();
    let mut visit = |key: &str, value: &toml::Value| -> Result<()> {
        let env = format!("TELEMETRA_{}", key.to_uppercase().replace('-', "_"));
        if !known.contains(&env) {
            bail!("{origin}: unknown setting `{key}` (see `telemetra --help` for the options)");
        }
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => bail!(
                "{origin}: `{key}` must be a string, number or boolean, not {}",
                other.type_str()
            ),
        };
        out.insert(env, text);
        Ok(())
    };
    for (key, value) in &table {
        match value {
            toml::Value::Table(section) => {
                for (k, v) in section {
                    visit(k, v)?;
                }
            }
            other => visit(key, other)?,
        }
    }
    Ok(out)
}

/// Applies the config file, if any, under the environment. Call before parsing the
/// command line and before any thread starts (it sets environment variables).
pub fn apply(args: &[String]) -> Result<()> {
    let Some(path) = config_path(args) else {
        return Ok(());
    };
    let text = std::fs::read_to_string(Path::new(&path))
        .with_context(|| format!("could not read the config file {path}"))?;
    for (name, value) in settings(&text, &path)? {
        if std::env::var_os(&name).is_none() {
            std::env::set_var(name, value);
        }
    }
    Ok(())
}

/// Every `TELEMETRA_*` variable some subcommand reads.
fn known_env_names() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(env) = arg.get_env() {
                out.push(env.to_string_lossy().into_owned());
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_example_is_valid() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../telemetra.example.toml"
        ))
        .unwrap();
        let s = settings(&text, "telemetra.example.toml").unwrap();
        assert_eq!(s.get("TELEMETRA_WINDOW").map(String::as_str), Some("60s"));
        assert_eq!(
            s.get("TELEMETRA_LATE_POLICY").map(String::as_str),
            Some("correct")
        );
        assert_eq!(
            s.get("TELEMETRA_LISTEN").map(String::as_str),
            Some("127.0.0.1:8000")
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let err = settings("windwo = \"60s\"", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown setting `windwo`"), "{err}");
        assert!(settings("[engine]\nwindow = [1, 2]", "x.toml").is_err());
        assert!(settings("window = ", "x.toml").is_err());
    }

    #[test]
    fn finds_the_config_flag() {
        let args: Vec<String> = ["telemetra", "--config", "a.toml", "run"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(config_path(&args).as_deref(), Some("a.toml"));
        let args: Vec<String> = ["telemetra", "run", "--config=b.toml"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(config_path(&args).as_deref(), Some("b.toml"));
    }
}
