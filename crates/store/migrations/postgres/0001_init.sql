-- Telemetra schema, version 1 (PostgreSQL flavour; the SQLite one has the same tables
-- and columns). Every table has a natural key so that writes are idempotent upserts.

CREATE TABLE streams (
    stream_id   TEXT PRIMARY KEY,
    title       TEXT,
    category    TEXT,
    is_live     BOOLEAN NOT NULL,
    started_at  TIMESTAMPTZ,
    ended_at    TIMESTAMPTZ,
    last_seen   TIMESTAMPTZ NOT NULL
);

-- One row per channel and sliding window (the name is the one users know; windows
-- are one minute long by default).
CREATE TABLE chat_summary_minute (
    stream_id          TEXT NOT NULL,
    window_start       TIMESTAMPTZ NOT NULL,
    window_end         TIMESTAMPTZ NOT NULL,
    "timestamp"        TIMESTAMPTZ NOT NULL,
    message_count      BIGINT NOT NULL,
    messages_per_min   DOUBLE PRECISION NOT NULL,
    unique_chatters    BIGINT NOT NULL,
    emote_count        BIGINT NOT NULL,
    sentiment_score    DOUBLE PRECISION,
    positive_count     BIGINT NOT NULL,
    neutral_count      BIGINT NOT NULL,
    negative_count     BIGINT NOT NULL,
    top_emotes         JSONB NOT NULL,
    top_chatters       JSONB NOT NULL,
    viewer_last        BIGINT,
    viewer_min         BIGINT,
    viewer_max         BIGINT,
    viewer_avg         DOUBLE PRECISION,
    transaction_count  BIGINT NOT NULL,
    transaction_amount DOUBLE PRECISION NOT NULL,
    money_by_type      JSONB NOT NULL,
    is_final           BOOLEAN NOT NULL,
    PRIMARY KEY (stream_id, window_start)
);
CREATE INDEX chat_summary_minute_end ON chat_summary_minute (stream_id, window_end);
CREATE INDEX chat_summary_minute_time ON chat_summary_minute ("timestamp");

CREATE TABLE viewer_timeseries (
    stream_id     TEXT NOT NULL,
    "timestamp"   TIMESTAMPTZ NOT NULL,
    viewer_count  BIGINT NOT NULL,
    chatter_count BIGINT,
    event_id      TEXT NOT NULL,
    PRIMARY KEY (stream_id, "timestamp")
);

CREATE TABLE transactions (
    transaction_id   TEXT PRIMARY KEY,
    stream_id        TEXT NOT NULL,
    "timestamp"      TIMESTAMPTZ NOT NULL,
    transaction_type TEXT NOT NULL,
    amount           DOUBLE PRECISION NOT NULL,
    currency         TEXT NOT NULL,
    username         TEXT,
    tier             TEXT,
    "count"          BIGINT
);
CREATE INDEX transactions_stream_time ON transactions (stream_id, "timestamp");

CREATE TABLE moments (
    moment_id    TEXT PRIMARY KEY,
    stream_id    TEXT NOT NULL,
    "timestamp"  TIMESTAMPTZ NOT NULL,
    moment_type  TEXT NOT NULL,
    description  TEXT NOT NULL,
    severity     TEXT NOT NULL,
    z_score      DOUBLE PRECISION,
    value        DOUBLE PRECISION,
    baseline     DOUBLE PRECISION,
    metadata     JSONB NOT NULL
);
CREATE INDEX moments_stream_time ON moments (stream_id, "timestamp");

-- Rejected input kept in the database too (the distributed mode also sends it to the
-- dead-letter topic), keyed by where it came from so that replays add nothing.
CREATE TABLE dead_letters (
    source      TEXT NOT NULL,
    position    BIGINT NOT NULL,
    topic       TEXT,
    reason      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    raw         BYTEA NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, position)
);
