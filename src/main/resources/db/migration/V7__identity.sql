-- People. A system admin administers users and projects and is an admin in every project. A user
-- has a password only when one was given (Argon2id, PHC string); a disabled user's tokens stop working.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    system_admin  INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    created_at    TEXT    NOT NULL,
    disabled_at   TEXT
);

-- Projects and their lifecycle: active, locked (reads only) or archived (nothing runs).
CREATE TABLE projects (
    name       TEXT PRIMARY KEY,
    state      TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'locked', 'archived')),
    created_at TEXT NOT NULL
);

-- Who belongs to which project, as what. A token's role is capped by its user's role here.
CREATE TABLE memberships (
    project    TEXT NOT NULL REFERENCES projects (name),
    user_name  TEXT NOT NULL REFERENCES users (name),
    role       TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    added_at   TEXT NOT NULL,
    PRIMARY KEY (project, user_name)
);
CREATE INDEX memberships_by_user ON memberships (user_name);

INSERT INTO projects (name, state, created_at) VALUES ('default', 'active', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- Tokens made before users existed keep working: their users, projects and memberships are made
-- from them (the highest role a user's tokens carry in a project). The bootstrap user "admin",
-- whom the first-start token acts for, is a system admin.
INSERT OR IGNORE INTO projects (name, state, created_at)
    SELECT DISTINCT project, 'active', strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM api_tokens;
INSERT OR IGNORE INTO users (name, system_admin, created_at)
    SELECT DISTINCT user_name, CASE WHEN user_name = 'admin' THEN 1 ELSE 0 END, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM api_tokens;
INSERT OR IGNORE INTO memberships (project, user_name, role, added_at)
    SELECT project, user_name,
           CASE MAX(CASE role WHEN 'admin' THEN 3 WHEN 'operator' THEN 2 ELSE 1 END)
               WHEN 3 THEN 'admin' WHEN 2 THEN 'operator' ELSE 'viewer' END,
           strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    FROM api_tokens GROUP BY project, user_name;
