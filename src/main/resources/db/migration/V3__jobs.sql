-- Background jobs: what was started, by whom, how it ended, and the newest part of its output.
-- The process that supervises a running job is named by host, pid and start time, so another
-- process on the data dir can tell a job whose Warden died (it becomes 'lost') from a live one.
CREATE TABLE jobs (
    id                TEXT    PRIMARY KEY,
    owner_id          TEXT    NOT NULL,
    owner_name        TEXT    NOT NULL,
    project           TEXT    NOT NULL,
    command           TEXT    NOT NULL,
    cwd               TEXT    NOT NULL,
    risk              TEXT    NOT NULL,
    sandbox           TEXT,
    pid               INTEGER NOT NULL,
    pid_started_at    TEXT,
    status            TEXT    NOT NULL,
    exit_code         INTEGER,
    timed_out         INTEGER NOT NULL DEFAULT 0,
    started_at        TEXT    NOT NULL,
    ended_at          TEXT,
    ended_reason      TEXT,
    host              TEXT    NOT NULL,
    warden_pid        INTEGER NOT NULL,
    warden_started_at TEXT,
    output_bytes      INTEGER NOT NULL DEFAULT 0,
    output_tail       BLOB
);
CREATE INDEX jobs_by_status ON jobs (status, project);
CREATE INDEX jobs_by_owner ON jobs (owner_name, started_at);
