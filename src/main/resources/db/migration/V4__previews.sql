-- Previews: a command run against overlays of the roots, whose changes wait here (and in the
-- overlay's upper directory under DIR/previews/ID) until they are committed, discarded or expire.
CREATE TABLE previews (
    id          TEXT PRIMARY KEY,
    status      TEXT NOT NULL,   -- running, pending, committing, committed, discarded, expired
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    dir         TEXT NOT NULL,
    changes     TEXT,            -- JSON: [{path, kind, type, source, base}]
    finished_at TEXT
);
CREATE INDEX previews_by_status ON previews (status, expires_at);
