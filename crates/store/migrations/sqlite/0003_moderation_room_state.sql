-- The same columns as in PostgreSQL.
ALTER TABLE chat_summary_minute ADD COLUMN timeouts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_summary_minute ADD COLUMN bans INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_summary_minute ADD COLUMN chat_clears INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_summary_minute ADD COLUMN messages_deleted INTEGER NOT NULL DEFAULT 0;

ALTER TABLE streams ADD COLUMN room_state TEXT NOT NULL DEFAULT '{}';
