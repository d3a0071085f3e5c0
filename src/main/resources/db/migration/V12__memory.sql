-- Facts a user asked Warden's agent to remember, per user and project. They go into that user's
-- chat sessions in that project and nowhere else.
CREATE TABLE memory_facts (
    id         TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL,
    project    TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (user_name, project, text)
);
CREATE INDEX memory_facts_owner ON memory_facts (user_name, project, created_at);
