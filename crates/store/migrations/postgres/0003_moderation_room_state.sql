-- Moderator actions per window, and the chat room's settings per channel.
ALTER TABLE chat_summary_minute
    ADD COLUMN timeouts         BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN bans             BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN chat_clears      BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN messages_deleted BIGINT NOT NULL DEFAULT 0;

-- Settings never reported are absent from the object.
ALTER TABLE streams ADD COLUMN room_state JSONB NOT NULL DEFAULT '{}';
