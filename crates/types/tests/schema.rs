//! The JSON Schema files in `schemas/` are the wire contract; the Rust types must agree
//! with them. Every case here is run through both the schema and the decoder, and the
//! two verdicts must match.

use std::path::PathBuf;

use serde_json::{json, Value};
use telemetra_types::{decode_event, Topic};

fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn load(rel: &str) -> Value {
    let path = repo_file(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

struct Contract {
    topic: Topic,
    schema: Value,
    validator: jsonschema::Validator,
    example: Value,
}

fn contracts() -> Vec<Contract> {
    [
        (Topic::Chat, "chat"),
        (Topic::Viewer, "viewer"),
        (Topic::Transactions, "transaction"),
        (Topic::StreamMeta, "stream_meta"),
    ]
    .into_iter()
    .map(|(topic, name)| {
        let schema = load(&format!("schemas/{name}.schema.json"));
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("schema compiles");
        let example = load(&format!("schemas/examples/{name}.json"));
        Contract {
            topic,
            schema,
            validator,
            example,
        }
    })
    .collect()
}

/// Schema verdict and decoder verdict for one instance.
fn verdicts(c: &Contract, instance: &Value) -> (bool, bool) {
    let by_schema = c.validator.is_valid(instance);
    let by_decoder = decode_event(c.topic, &serde_json::to_vec(instance).unwrap()).is_ok();
    (by_schema, by_decoder)
}

#[track_caller]
fn assert_agree(c: &Contract, instance: &Value, expected_valid: bool) {
    let (schema, decoder) = verdicts(c, instance);
    assert_eq!(
        (schema, decoder),
        (expected_valid, expected_valid),
        "{:?}: schema says {schema}, decoder says {decoder}, expected {expected_valid} for {instance}",
        c.topic
    );
}

#[test]
fn seed_examples_are_valid() {
    for c in contracts() {
        assert_agree(&c, &c.example, true);
    }
}

#[test]
fn required_fields_agree() {
    for c in contracts() {
        let required: Vec<&str> = c.schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut full = c.example.clone();
        // Make sure every property is present, so removing it is meaningful.
        for (name, spec) in c.schema["properties"].as_object().unwrap() {
            if full.get(name).is_none() {
                full[name] = sample_value(name, spec);
            }
        }
        assert_agree(&c, &full, true);
        for name in c.schema["properties"].as_object().unwrap().keys() {
            let mut without = full.clone();
            without.as_object_mut().unwrap().remove(name);
            assert_agree(&c, &without, !required.contains(&name.as_str()));
        }
    }
}

#[test]
fn wrong_types_are_rejected_by_both() {
    for c in contracts() {
        for (name, spec) in c.schema["properties"].as_object().unwrap() {
            // An object with unknown fields is a valid object (they are ignored).
            let takes_objects = spec["type"] == "object"
                || spec["type"]
                    .as_array()
                    .is_some_and(|types| types.contains(&json!("object")));
            for wrong in [json!({"nested": true}), json!([[1]]), json!(true)] {
                if takes_objects && wrong.is_object() {
                    continue;
                }
                let mut bad = c.example.clone();
                bad[name] = wrong;
                assert_agree(&c, &bad, false);
            }
        }
    }
}

#[test]
fn value_rules_agree() {
    let cs = contracts();
    let by_topic = |t: Topic| cs.iter().find(|c| c.topic == t).unwrap();
    let cases: Vec<(Topic, &str, Value, bool)> = vec![
        (Topic::Chat, "channel", json!("Demo_Stream"), false),
        (
            Topic::Chat,
            "channel",
            json!("a_very_long_channel_name_xx"),
            false,
        ),
        (Topic::Chat, "channel", json!(""), false),
        (Topic::Chat, "message_id", json!(""), false),
        (
            Topic::Chat,
            "timestamp",
            json!("2025-10-16 10:30:00"),
            false,
        ),
        (
            Topic::Chat,
            "timestamp",
            json!("2025-10-16T12:30:00.5+02:00"),
            true,
        ),
        (Topic::Chat, "emotes", json!(["Kappa", "Kappa"]), true),
        (Topic::Chat, "emotes", json!(null), true),
        (Topic::Chat, "bits", json!(-1), false),
        (Topic::Chat, "unknown_extra", json!({"ignored": 1}), true),
        (Topic::Viewer, "viewer_count", json!(-5), false),
        (Topic::Viewer, "viewer_count", json!(0), true),
        (Topic::Viewer, "chatter_count", json!(null), true),
        (Topic::Transactions, "amount", json!(-0.01), false),
        (Topic::Transactions, "amount", json!(0), true),
        (
            Topic::Transactions,
            "transaction_type",
            json!("refund"),
            false,
        ),
        (
            Topic::Transactions,
            "transaction_type",
            json!("gift_sub"),
            true,
        ),
        (Topic::Transactions, "currency", json!("usd"), false),
        (Topic::Transactions, "currency", json!("EUR"), true),
        (Topic::Transactions, "tier", json!("1000"), true),
        (Topic::Transactions, "tier", json!(2), true),
        (Topic::Transactions, "tier", json!(-2), false),
        (
            Topic::StreamMeta,
            "event_type",
            json!("raid_incoming"),
            true,
        ),
        (
            Topic::StreamMeta,
            "event_type",
            json!("stream_paused"),
            false,
        ),
        (Topic::StreamMeta, "raid_viewers", json!(-3), false),
        // `moderation` and `room_state` need their detail field, which the example lacks.
        (Topic::StreamMeta, "event_type", json!("moderation"), false),
        (Topic::StreamMeta, "event_type", json!("room_state"), false),
        (Topic::StreamMeta, "action", json!("ban"), true),
        (Topic::StreamMeta, "action", json!("mute"), false),
        (Topic::StreamMeta, "duration_s", json!(-1), false),
        (
            Topic::StreamMeta,
            "room_state",
            json!({"slow_seconds": 30, "emote_only": false}),
            true,
        ),
        (
            Topic::StreamMeta,
            "room_state",
            json!({"followers_only_minutes": -2}),
            false,
        ),
        (Topic::StreamMeta, "type", json!("stream_meta"), true),
        (Topic::StreamMeta, "type", json!("chat"), false),
    ];
    for (topic, field, value, valid) in cases {
        let c = by_topic(topic);
        let mut instance = c.example.clone();
        instance[field] = value;
        assert_agree(c, &instance, valid);
    }
}

/// A valid value for a property the example lacks.
fn sample_value(name: &str, spec: &Value) -> Value {
    if name == "type" {
        return spec["const"].clone();
    }
    if let Some(options) = spec["enum"].as_array() {
        return options[0].clone();
    }
    let ty = match &spec["type"] {
        Value::Array(types) => types[0].as_str().unwrap().to_owned(),
        Value::String(t) => t.clone(),
        other => panic!("unexpected type spec {other}"),
    };
    match ty.as_str() {
        "string" if name == "currency" => json!("EUR"),
        "string" => json!("text"),
        "integer" => json!(3),
        "number" => json!(1.5),
        "array" => json!(["Kappa"]),
        // Room settings: every setting is optional.
        "object" => json!({}),
        other => panic!("no sample for {other}"),
    }
}

#[test]
fn moderation_and_room_state_events_agree_with_the_schema() {
    let cs = contracts();
    let c = cs.iter().find(|c| c.topic == Topic::StreamMeta).unwrap();
    let with = |fields: Value| {
        let mut instance = c.example.clone();
        for (k, v) in fields.as_object().unwrap() {
            instance[k] = v.clone();
        }
        instance
    };
    let cases = [
        (
            json!({"event_type": "moderation", "action": "timeout", "target_user": "troll", "duration_s": 600}),
            true,
        ),
        (json!({"event_type": "moderation", "action": "clear"}), true),
        (json!({"event_type": "moderation", "action": null}), false),
        (
            json!({"event_type": "room_state", "room_state": {"emote_only": true}}),
            true,
        ),
        (
            json!({"event_type": "room_state", "room_state": null}),
            false,
        ),
        (
            json!({"event_type": "room_state", "room_state": "slow"}),
            false,
        ),
    ];
    for (fields, valid) in cases {
        assert_agree(c, &with(fields), valid);
    }
}
