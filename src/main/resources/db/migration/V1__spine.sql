-- The audit trail: append-only, hash-chained. hash = SHA-256(prev_hash || canonical record).
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY,
    ts             TEXT    NOT NULL,
    principal_id   TEXT    NOT NULL,
    principal_name TEXT    NOT NULL,
    project        TEXT    NOT NULL,
    origin         TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    mode           TEXT    NOT NULL,
    input          TEXT    NOT NULL,
    risk           TEXT,
    decision       TEXT,
    reason         TEXT,
    outcome        TEXT    NOT NULL,
    code           TEXT,
    result_digest  TEXT,
    duration_us    INTEGER NOT NULL,
    trace_id       TEXT,
    undo_id        TEXT,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL
);

-- Undo entries: what an action changed, with pre-images stored by content hash under the data dir.
CREATE TABLE undo_entries (
    id           TEXT PRIMARY KEY,
    created_at   TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    action       TEXT NOT NULL,
    items        TEXT NOT NULL,
    undone_at    TEXT
);

-- API tokens: only the SHA-256 of the secret is kept.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    project      TEXT NOT NULL,
    role         TEXT NOT NULL,
    actions      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- Confirmation tokens are single use: a token id lands here when it is spent.
CREATE TABLE used_confirmations (
    token_id TEXT PRIMARY KEY,
    used_at  TEXT NOT NULL
);
