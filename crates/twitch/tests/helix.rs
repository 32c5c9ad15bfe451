//! Helix viewer counts against a fake Twitch HTTP server on 127.0.0.1: the token
//! request, the streams request, the events made, and a new token after a 401.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use telemetra_twitch::helix::Helix;
use telemetra_twitch::HelixConfig;
use telemetra_types::{ChannelId, Event, Timestamp};

#[derive(Default)]
struct Fake {
    /// Token requests seen (their form bodies).
    token_requests: Vec<String>,
    /// Streams requests seen: (query, authorization, client id).
    stream_requests: Vec<(String, String, String)>,
    /// Tokens handed out so far.
    issued: u32,
    /// Tokens the API no longer accepts.
    revoked: Vec<String>,
}

type Shared = Arc<Mutex<Fake>>;

async fn token(State(fake): State<Shared>, body: String) -> Json<serde_json::Value> {
    let mut f = fake.lock().unwrap();
    f.token_requests.push(body);
    f.issued += 1;
    Json(
        json!({"access_token": format!("tok{}", f.issued), "expires_in": 5000000, "token_type": "bearer"}),
    )
}

async fn streams(
    State(fake): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let client = headers
        .get("client-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut f = fake.lock().unwrap();
    f.stream_requests
        .push((q.unwrap_or_default(), auth.clone(), client));
    if f.revoked.iter().any(|t| auth == format!("Bearer {t}")) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"})),
        )
            .into_response();
    }
    Json(json!({
        "data": [
            {"id": "1", "user_id": "11", "user_login": "alpha", "user_name": "Alpha", "game_name": "Chess",
             "type": "live", "title": "t", "viewer_count": 1234, "started_at": "2025-10-16T09:00:00Z"},
            {"id": "2", "user_id": "22", "user_login": "beta", "user_name": "Beta", "game_name": "Go",
             "type": "live", "title": "t", "viewer_count": 56, "started_at": "2025-10-16T08:30:00Z"}
        ],
        "pagination": {}
    }))
    .into_response()
}

async fn start() -> (String, Shared) {
    let fake: Shared = Arc::default();
    let app = Router::new()
        .route("/oauth2/token", post(token))
        .route("/helix/streams", get(streams))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

fn config(base: &str, channels: &[&str]) -> HelixConfig {
    HelixConfig {
        client_id: "cid".into(),
        client_secret: "s3cret".into(),
        token_url: format!("{base}/oauth2/token"),
        api_url: format!("{base}/helix"),
        interval: Duration::from_secs(30),
        channels: channels
            .iter()
            .map(|c| ChannelId::parse(c).unwrap())
            .collect(),
    }
}

#[tokio::test]
async fn polls_viewer_counts_with_an_app_token_and_renews_it_on_401() {
    let (base, fake) = start().await;
    let mut helix = Helix::new(config(&base, &["alpha", "beta", "offline"])).unwrap();

    let events = helix.poll(Timestamp(1_760_608_800_000)).await.unwrap();
    {
        let f = fake.lock().unwrap();
        assert_eq!(f.token_requests.len(), 1);
        let form = &f.token_requests[0];
        for part in [
            "client_id=cid",
            "client_secret=s3cret",
            "grant_type=client_credentials",
        ] {
            assert!(form.split('&').any(|p| p == part), "{form}");
        }
        let (query, auth, client) = &f.stream_requests[0];
        assert_eq!(
            query,
            "user_login=alpha&user_login=beta&user_login=offline&first=100"
        );
        assert_eq!((auth.as_str(), client.as_str()), ("Bearer tok1", "cid"));
    }
    let viewers: Vec<(String, u64, String, i64)> = events
        .iter()
        .map(|e| match e {
            Event::Viewer(v) => (
                v.channel.to_string(),
                v.viewer_count,
                v.event_id.clone(),
                v.timestamp.0,
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        viewers,
        [
            (
                "alpha".into(),
                1234,
                "helix-alpha-2025-10-16T09:00:00Z-1760608800000".into(),
                1_760_608_800_000
            ),
            (
                "beta".into(),
                56,
                "helix-beta-2025-10-16T08:30:00Z-1760608800000".into(),
                1_760_608_800_000
            ),
        ]
    );

    // The same token serves the next poll.
    helix.poll(Timestamp(1_760_608_830_000)).await.unwrap();
    assert_eq!(fake.lock().unwrap().token_requests.len(), 1);

    // Revoked: the 401 brings a new token and the request is repeated with it.
    fake.lock().unwrap().revoked.push("tok1".into());
    let events = helix.poll(Timestamp(1_760_608_860_000)).await.unwrap();
    assert_eq!(events.len(), 2);
    let f = fake.lock().unwrap();
    assert_eq!(f.token_requests.len(), 2);
    let auths: Vec<&str> = f.stream_requests.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        auths,
        ["Bearer tok1", "Bearer tok1", "Bearer tok1", "Bearer tok2"]
    );
}

#[tokio::test]
async fn more_than_a_hundred_channels_take_several_requests() {
    let (base, fake) = start().await;
    let names: Vec<String> = (0..150).map(|i| format!("chan{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut helix = Helix::new(config(&base, &refs)).unwrap();
    helix.poll(Timestamp(0)).await.unwrap();
    let f = fake.lock().unwrap();
    let counts: Vec<usize> = f
        .stream_requests
        .iter()
        .map(|r| r.0.matches("user_login=").count())
        .collect();
    assert_eq!(counts, [100, 50]);
}

#[tokio::test]
async fn refused_credentials_are_an_error_not_a_panic() {
    let app = Router::new().route(
        "/oauth2/token",
        post(|| async { (StatusCode::BAD_REQUEST, "invalid client secret") }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut helix = Helix::new(config(&base, &["alpha"])).unwrap();
    let err = helix.poll(Timestamp(0)).await.unwrap_err();
    assert!(format!("{err:#}").contains("400"), "{err:#}");
}
