-- Telemetra schema, version 1 (SQLite flavour; the PostgreSQL one has the same tables
-- and columns). Times are RFC 3339 UTC text with milliseconds, which sorts
-- chronologically. Every table has a natural key so that writes are idempotent upserts.

CREATE TABLE streams (
    stream_id   TEXT PRIMARY KEY,
    title       TEXT,
    category    TEXT,
    is_live     INTEGER NOT NULL,
    started_at  TEXT,
    ended_at    TEXT,
    last_seen   TEXT NOT NULL
);

-- One row per channel and sliding window (the name is the one users know; windows
-- are one minute long by default).
CREATE TABLE chat_summary_minute (
    stream_id          TEXT NOT NULL,
    window_start       TEXT NOT NULL,
    window_end         TEXT NOT NULL,
    "timestamp"        TEXT NOT NULL,
    message_count      INTEGER NOT NULL,
    messages_per_min   REAL NOT NULL,
    unique_chatters    INTEGER NOT NULL,
    emote_count        INTEGER NOT NULL,
    sentiment_score    REAL,
    positive_count     INTEGER NOT NULL,
    neutral_count      INTEGER NOT NULL,
    negative_count     INTEGER NOT NULL,
    top_emotes         TEXT NOT NULL,
    top_chatters       TEXT NOT NULL,
    viewer_last        INTEGER,
    viewer_min         INTEGER,
    viewer_max         INTEGER,
    viewer_avg         REAL,
    transaction_count  INTEGER NOT NULL,
    transaction_amount REAL NOT NULL,
    money_by_type      TEXT NOT NULL,
    is_final           INTEGER NOT NULL,
    PRIMARY KEY (stream_id, window_start)
);
CREATE INDEX chat_summary_minute_end ON chat_summary_minute (stream_id, window_end);

CREATE TABLE viewer_timeseries (
    stream_id     TEXT NOT NULL,
    "timestamp"   TEXT NOT NULL,
    viewer_count  INTEGER NOT NULL,
    chatter_count INTEGER,
    event_id      TEXT NOT NULL,
    PRIMARY KEY (stream_id, "timestamp")
);

CREATE TABLE transactions (
    transaction_id   TEXT PRIMARY KEY,
    stream_id        TEXT NOT NULL,
    "timestamp"      TEXT NOT NULL,
    transaction_type TEXT NOT NULL,
    amount           REAL NOT NULL,
    currency         TEXT NOT NULL,
    username         TEXT,
    tier             TEXT,
    "count"          INTEGER
);
CREATE INDEX transactions_stream_time ON transactions (stream_id, "timestamp");

CREATE TABLE moments (
    moment_id    TEXT PRIMARY KEY,
    stream_id    TEXT NOT NULL,
    "timestamp"  TEXT NOT NULL,
    moment_type  TEXT NOT NULL,
    description  TEXT NOT NULL,
    severity     TEXT NOT NULL,
    z_score      REAL,
    value        REAL,
    baseline     REAL,
    metadata     TEXT NOT NULL
);
CREATE INDEX moments_stream_time ON moments (stream_id, "timestamp");

-- The embedded mode's dead-letter path: rejected input with its reason and bytes,
-- keyed by where it came from so that replaying the same input adds nothing.
CREATE TABLE dead_letters (
    source      TEXT NOT NULL,
    position    INTEGER NOT NULL,
    topic       TEXT,
    reason      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    raw         BLOB NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (source, position)
);
