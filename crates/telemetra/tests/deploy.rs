//! The deployment files, checked offline (no container engine here): they parse, and
//! everything they name exists — subcommands, `TELEMETRA_*` settings, environment
//! values, volumes, scrape targets, probe paths.

use std::collections::BTreeSet;

use serde_yaml_ng::Value;

use crate::util::run_ok;

fn root() -> String {
    format!("{}/../..", env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", root())).unwrap()
}

fn yaml(text: &str) -> Value {
    let mut v: Value = serde_yaml_ng::from_str(text).unwrap();
    v.apply_merge().unwrap();
    v
}

/// Subcommands of the binary and every `TELEMETRA_*` variable their options read.
fn cli() -> (BTreeSet<String>, BTreeSet<String>) {
    let subcommands: BTreeSet<String> = [
        "run",
        "replay",
        "generate",
        "serve",
        "migrate",
        "produce",
        "process",
        "bench",
        "sentiment",
    ]
    .map(str::to_owned)
    .into();
    let mut env = BTreeSet::new();
    for sub in &subcommands {
        let help = run_ok(&[sub.as_str(), "--help"]);
        for part in help.split("[env: ").skip(1) {
            env.insert(part.split(['=', ']']).next().unwrap().to_owned());
        }
    }
    (subcommands, env)
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_compose_stack_is_consistent() {
    let (subcommands, env_names) = cli();
    let text = read("deploy/docker-compose.yml");
    let compose = yaml(&text);
    let services = compose["services"].as_mapping().unwrap();
    let names: BTreeSet<&str> = services.keys().filter_map(|k| k.as_str()).collect();
    for wanted in [
        "kafka",
        "postgres",
        "redis",
        "migrate",
        "processor-1",
        "processor-2",
        "api-1",
        "api-2",
        "proxy",
        "generator",
        "prometheus",
        "grafana",
    ] {
        assert!(names.contains(wanted), "service {wanted} missing");
    }
    // KRaft, no ZooKeeper.
    assert!(!names.contains("zookeeper") && !text.contains("ZOOKEEPER_CONNECT"));
    assert_eq!(
        compose["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"].as_str(),
        Some("broker,controller")
    );

    let declared: BTreeSet<&str> = compose["volumes"]
        .as_mapping()
        .unwrap()
        .keys()
        .filter_map(|k| k.as_str())
        .collect();
    for (name, service) in services {
        let name = name.as_str().unwrap();
        if service["image"].as_str() == Some("telemetra:latest") {
            let command = str_list(&service["command"]);
            assert!(
                subcommands.contains(&command[0]),
                "{name}: unknown subcommand {command:?}"
            );
            for key in service["environment"].as_mapping().unwrap().keys() {
                let key = key.as_str().unwrap();
                assert!(
                    env_names.contains(key),
                    "{name}: {key} is not a Telemetra setting"
                );
            }
        }
        // One-shot migrations and the generator (no HTTP side) have nothing to probe.
        if !["migrate", "generator"].contains(&name) {
            assert!(
                !service["healthcheck"].is_null(),
                "{name} has no health check"
            );
        }
        for volume in str_list(&service["volumes"]) {
            let source = volume.split(':').next().unwrap();
            if let Some(relative) = source.strip_prefix("./") {
                let path = format!("{}/deploy/{relative}", root());
                assert!(
                    std::path::Path::new(&path).exists(),
                    "{name}: {source} missing"
                );
            } else {
                assert!(
                    declared.contains(source),
                    "{name}: volume {source} not declared"
                );
            }
        }
    }

    // Every ${VAR} has a line in .env.example, and no password is written in the file.
    let example = read("deploy/.env.example");
    let defined: BTreeSet<&str> = example
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .collect();
    for part in text.split("${").skip(1) {
        let var = part.split(['}', ':', '-']).next().unwrap();
        assert!(defined.contains(var), "${{{var}}} is not in .env.example");
    }
    assert!(!text.contains("change-me"));

    // Prometheus scrapes what the services listen on.
    let prometheus = yaml(&read("deploy/prometheus.yml"));
    let mut targets = 0;
    for job in prometheus["scrape_configs"].as_sequence().unwrap() {
        for target in str_list(&job["static_configs"][0]["targets"]) {
            let (host, port) = target.split_once(':').unwrap();
            let command = str_list(&compose["services"][host]["command"]).join(" ");
            assert!(
                command.contains(&format!(":{port}")),
                "{target}: nothing listens there"
            );
            targets += 1;
        }
    }
    assert_eq!(targets, 4);
    let nginx = read("deploy/nginx.conf");
    assert!(nginx.contains("server api-1:8000;") && nginx.contains("server api-2:8000;"));
}

#[test]
fn the_kubernetes_manifests_are_consistent() {
    let (subcommands, env_names) = cli();
    let mut kinds = Vec::new();
    for file in ["config", "secret.example", "migrate", "processor", "api"] {
        let text = read(&format!("deploy/k8s/{file}.yaml"));
        for doc in serde_yaml_ng::Deserializer::from_str(&text) {
            let doc = <Value as serde::Deserialize>::deserialize(doc).unwrap();
            let kind = doc["kind"].as_str().unwrap().to_owned();
            match kind.as_str() {
                "ConfigMap" => {
                    for key in doc["data"].as_mapping().unwrap().keys() {
                        let key = key.as_str().unwrap();
                        assert!(env_names.contains(key), "ConfigMap: unknown setting {key}");
                    }
                }
                "Secret" => {
                    for key in doc["stringData"].as_mapping().unwrap().keys() {
                        assert!(env_names.contains(key.as_str().unwrap()));
                    }
                }
                "Deployment" | "Job" => {
                    let pod = &doc["spec"]["template"]["spec"];
                    assert_eq!(pod["securityContext"]["runAsNonRoot"].as_bool(), Some(true));
                    let container = &pod["containers"][0];
                    let args = str_list(&container["args"]);
                    assert!(subcommands.contains(&args[0]), "{file}: {args:?}");
                    if kind == "Deployment" {
                        assert_eq!(
                            container["livenessProbe"]["httpGet"]["path"].as_str(),
                            Some("/health")
                        );
                        assert_eq!(
                            container["readinessProbe"]["httpGet"]["path"].as_str(),
                            Some("/ready")
                        );
                    }
                }
                _ => {}
            }
            kinds.push(kind);
        }
    }
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "ConfigMap",
            "Deployment",
            "Deployment",
            "Ingress",
            "Job",
            "Secret",
            "Service"
        ]
    );
}

#[test]
fn the_image_runs_as_a_non_root_user_from_a_small_base() {
    let dockerfile = read("deploy/Dockerfile");
    let stages: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(stages.len(), 3, "dashboard, build, runtime: {stages:?}");
    assert!(stages[2].contains("slim"));
    let runtime = dockerfile.rsplit("FROM ").next().unwrap();
    assert!(runtime.contains("USER 10001"));
    assert!(dockerfile.contains("npm ci") && dockerfile.contains("--locked"));
}
