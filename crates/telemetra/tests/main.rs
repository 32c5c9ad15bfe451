//! Integration tests of the `telemetra` binary, one test binary for the crate.

// `telemetra run`: live analytics over HTTP and WebSocket.
mod run;
// `telemetra replay`: deterministic results from a file.
mod replay;
// Bad input: the dead-letter path.
mod dead_letters;
// `serve` and `migrate` on real PostgreSQL and Redis.
mod distributed;
// `produce` and `process` on a real Kafka-protocol broker.
mod kafka;
// `telemetra sentiment`: scores from arguments and standard input.
mod sentiment;
// `telemetra bench engine`: the numbers it prints.
mod bench;
// The deployment files (Compose, Kubernetes, Dockerfile), checked offline.
mod deploy;
// `run --source twitch`: a fake chat server and Helix API → the API.
mod twitch;
// Shared helpers.
mod util;
