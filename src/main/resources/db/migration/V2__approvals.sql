-- Approvals: an intent the policy said another person must approve, held until someone decides.
-- The requester is stored in full so the intent can run as them once it is approved.
CREATE TABLE approvals (
    id                 TEXT PRIMARY KEY,
    status             TEXT    NOT NULL,
    action             TEXT    NOT NULL,
    input              TEXT    NOT NULL,
    origin             TEXT    NOT NULL,
    requester_id       TEXT    NOT NULL,
    requester_name     TEXT    NOT NULL,
    requester_role     TEXT    NOT NULL,
    requester_kind     TEXT    NOT NULL,
    requester_actions  TEXT    NOT NULL,
    project            TEXT    NOT NULL,
    risk               TEXT,
    reason             TEXT,
    rule               TEXT,
    preview            TEXT,
    required_approvals INTEGER NOT NULL,
    requested_at       TEXT    NOT NULL,
    expires_at         TEXT    NOT NULL,
    decided_at         TEXT,
    result             TEXT,
    finished_at        TEXT
);
CREATE INDEX approvals_by_status ON approvals (status, project);

-- One row per person who approved or denied; a person decides a request at most once.
CREATE TABLE approval_votes (
    approval_id   TEXT NOT NULL REFERENCES approvals (id),
    voter_id      TEXT NOT NULL,
    voter_name    TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    comment       TEXT,
    at            TEXT NOT NULL,
    PRIMARY KEY (approval_id, voter_name)
);
