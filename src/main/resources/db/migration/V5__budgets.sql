-- Cost units spent per day against the policy's daily budget, by principal or project.
CREATE TABLE budget_usage (
    scope_key TEXT    NOT NULL,
    day       TEXT    NOT NULL,
    used      INTEGER NOT NULL,
    PRIMARY KEY (scope_key, day)
);
