//! Helpers: run the real binary, find free ports, read the embedded database.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_telemetra"))
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `telemetra run` process, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts `telemetra run` on a free port with a fresh data dir and waits for `/health`.
    pub async fn start(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let mut args = vec![
            "run".to_owned(),
            "--data-dir".to_owned(),
            data_dir.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::spawn(dir, data_dir, &args).await
    }

    /// Starts `telemetra serve` against PostgreSQL and Redis and waits for `/health`.
    pub async fn serve(postgres: &str, redis_prefix: &str) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_owned();
        let args: Vec<String> = [
            "serve",
            "--postgres",
            postgres,
            "--redis",
            "redis://127.0.0.1:6379",
            "--redis-prefix",
            redis_prefix,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        Self::spawn(dir, data_dir, &args).await
    }

    async fn spawn(dir: tempfile::TempDir, data_dir: PathBuf, args: &[String]) -> Server {
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new(bin())
            .args(args)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start telemetra");
        let server = Server {
            child,
            base: format!("127.0.0.1:{port}"),
            data_dir,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client.get(server.url("/health")).send().await {
                if r.status().is_success() {
                    return server;
                }
            }
            assert!(
                Instant::now() < deadline,
                "server did not become healthy:\n{}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.base)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GETs a URL and parses the JSON body, asserting the status.
#[track_caller]
pub fn get_json(url: &str, status: u16) -> impl std::future::Future<Output = serde_json::Value> {
    let url = url.to_owned();
    async move {
        let r = reqwest::get(&url)
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(r.status().as_u16(), status, "GET {url}");
        r.json().await.unwrap()
    }
}

/// Every table of an embedded database as sorted text rows, for exact comparison.
/// `dead_letters.received_at` is wall-clock time and is left out.
pub async fn dump_tables(data_dir: &Path) -> Vec<(String, Vec<String>)> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions;
    let mut conn = SqliteConnectOptions::new()
        .filename(data_dir.join("telemetra.db"))
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let mut out = Vec::new();
    for table in [
        "streams",
        "chat_summary_minute",
        "viewer_timeseries",
        "transactions",
        "moments",
        "dead_letters",
    ] {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let expr = columns
            .iter()
            .filter(|c| !(table == "dead_letters" && c.as_str() == "received_at"))
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let mut rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {expr} FROM {table}"))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        rows.sort();
        out.push((table.to_owned(), rows));
    }
    out
}

/// `telemetra replay` of `file` into `data_dir`; returns its summary.
pub fn replay(file: &Path, data_dir: &Path) -> String {
    run_ok(&[
        "replay",
        "--input",
        file.to_str().unwrap(),
        "--data-dir",
        data_dir.to_str().unwrap(),
    ])
}

/// Runs the binary to completion, asserting success; returns stdout.
pub fn run_ok(args: &[&str]) -> String {
    let out = Command::new(bin()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "telemetra {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs the binary to completion with `input` on standard input, asserting success;
/// returns stdout.
pub fn run_ok_with_stdin(args: &[&str], input: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new(bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Written from another thread so that a child filling its stdout pipe cannot
    // deadlock against us filling its stdin.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "telemetra {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts two table dumps are equal, printing only the rows that differ.
#[track_caller]
pub fn assert_same_tables(a: &[(String, Vec<String>)], b: &[(String, Vec<String>)]) {
    for ((table, left), (_, right)) in a.iter().zip(b) {
        let only_left: Vec<&String> = left.iter().filter(|r| !right.contains(r)).take(5).collect();
        let only_right: Vec<&String> = right.iter().filter(|r| !left.contains(r)).take(5).collect();
        assert!(
            only_left.is_empty() && only_right.is_empty(),
            "table {table} differs ({} vs {} rows)\nonly in first:\n{}\nonly in second:\n{}",
            left.len(),
            right.len(),
            only_left
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            only_right
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    assert_eq!(a.len(), b.len());
}

/// A fresh PostgreSQL database for one test (`TELEMETRA_TEST_POSTGRES` names the
/// server's admin database; default the local server). Call [`TestDb::drop_now`].
pub struct TestDb {
    pub url: String,
    name: String,
    admin: String,
}

impl TestDb {
    pub async fn create() -> TestDb {
        use sqlx::Connection;
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        sqlx::any::install_default_drivers();
        let admin = std::env::var("TELEMETRA_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!(
            "telemetra_e2e_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::AnyConnection::connect(&admin)
            .await
            .expect("PostgreSQL reachable for tests");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        TestDb { url, name, admin }
    }

    pub async fn drop_now(self) {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&self.admin).await.unwrap();
        sqlx::query(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

/// The Kafka-protocol broker the tests use, one per test binary: the one at
/// `TELEMETRA_TEST_KAFKA` (host:port) if set, otherwise a nisshi broker started on a
/// free loopback port (binary: `TELEMETRA_TEST_NISSHI`, else `nisshi` on the PATH,
/// else the CI cache). It is stopped when the test binary exits.
// The broker and its watchdog outlive every test and are never waited for: the
// watchdog stops the broker when this process ends.
#[allow(clippy::zombie_processes)]
pub fn kafka_broker() -> &'static str {
    static BROKER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BROKER.get_or_init(|| {
        if let Ok(addr) = std::env::var("TELEMETRA_TEST_KAFKA") {
            return addr;
        }
        let addr = format!("127.0.0.1:{}", free_port());
        // Its own empty directory: the broker reads a `.env` from where it starts.
        let dir = tempfile::tempdir().unwrap().keep();
        let broker = start_nisshi(&addr, &addr, &dir);
        // Stop the broker when this test process ends, however it ends.
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {} 2>/dev/null; do sleep 1; done; kill {}",
                std::process::id(),
                broker.id()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "the Kafka broker did not start: see {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        addr
    })
}

/// The nisshi binary: `TELEMETRA_TEST_NISSHI`, else the CI cache, else `nisshi` on
/// the PATH.
pub fn nisshi_binary() -> String {
    std::env::var("TELEMETRA_TEST_NISSHI").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
        let cached = format!("{home}/.cache/telemetra/nisshi/bin/nisshi");
        if Path::new(&cached).exists() {
            cached
        } else {
            "nisshi".into()
        }
    })
}

/// Starts an in-memory nisshi broker listening on `listen` that tells clients to
/// connect to `advertised` (both host:port), from `dir` (which must hold no `.env`),
/// logging to `dir/broker.log`.
pub fn start_nisshi(listen: &str, advertised: &str, dir: &Path) -> Child {
    let binary = nisshi_binary();
    Command::new(&binary)
        .args([
            "broker",
            "--listener-url",
            &format!("tcp://{listen}"),
            "--advertised-listener-url",
            &format!("tcp://{advertised}"),
            "--storage-engine",
            "memory://tests/",
            "--group-initial-rebalance-delay",
            "500ms",
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("broker.log")).unwrap())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "the Kafka tests need a Kafka-protocol broker: set TELEMETRA_TEST_KAFKA=host:port, \
                 or install nisshi (see DEVELOPERS.md); starting {binary:?} failed: {e}"
            )
        })
}

/// A `telemetra` child process, killed (SIGKILL) when dropped.
pub struct Proc {
    pub child: Child,
    log: PathBuf,
}

impl Proc {
    /// Starts the binary with `args`; stdout and stderr go to a log file.
    pub fn spawn(args: &[String], log_dir: &Path, name: &str) -> Proc {
        let log = log_dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(bin())
            .args(args)
            .env("TELEMETRA_LOG", "info")
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap();
        Proc { child, log }
    }

    /// Waits for the process to exit on its own and asserts success.
    pub async fn wait_success(mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exited with {status}:\n{}", self.log());
                return;
            }
            assert!(
                Instant::now() < deadline,
                "did not finish in {timeout:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What it printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, no chance to save anything.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every stored result as the read models return it, in a form that is the same for
/// SQLite and PostgreSQL: per channel, its state, windows, moments, viewer samples
/// and money; and the rejected input as (reason, original bytes).
pub async fn dump_store(store: &telemetra_store::SqlStore) -> Vec<(String, Vec<String>)> {
    use telemetra_store::{Page, Store};
    use telemetra_types::Timestamp;
    // 1970 to 2100: every stored time, within what both databases can represent.
    let (from, to) = (Timestamp(0), Timestamp(4_102_444_800_000));
    let (streams, _) = store
        .list_streams(Page {
            page: 1,
            page_size: 10_000,
        })
        .await
        .unwrap();
    let mut tables: Vec<(String, Vec<String>)> = [
        "streams",
        "windows",
        "moments",
        "viewers",
        "transactions",
        "dead_letters",
    ]
    .iter()
    .map(|t| (t.to_string(), Vec::new()))
    .collect();
    for s in &streams {
        let id = &s.state.stream_id;
        tables[0].1.push(json(&s.state));
        for w in store.windows(id, from, to).await.unwrap() {
            tables[1].1.push(json(&w));
        }
        for m in store.moments(id, from, to, u32::MAX).await.unwrap() {
            tables[2].1.push(json(&m));
        }
        for v in store.viewers(id, from, to, u32::MAX).await.unwrap() {
            tables[3].1.push(format!("{id}|{}", json(&v)));
        }
        let (txs, _) = store.transactions(id, from, to, u32::MAX).await.unwrap();
        for t in txs {
            tables[4].1.push(format!("{id}|{}", json(&t)));
        }
    }
    let letters: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT reason, raw FROM dead_letters")
        .fetch_all(store.pool())
        .await
        .unwrap();
    tables[5].1 = letters
        .into_iter()
        .map(|(reason, raw)| format!("{reason}|{}", String::from_utf8_lossy(&raw)))
        .collect();
    for (_, rows) in &mut tables {
        rows.sort();
    }
    tables
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}
