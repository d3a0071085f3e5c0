-- Conversations with Warden's own agent. state holds the bounded history and what the session
-- waits for, so a session resumes after a restart; only its user, in its project, may resume it.
CREATE TABLE chat_sessions (
    id           TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL,
    project      TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    title        TEXT NOT NULL,
    autonomous   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    state        TEXT NOT NULL
);
CREATE INDEX chat_sessions_owner ON chat_sessions (user_name, project, updated_at);
