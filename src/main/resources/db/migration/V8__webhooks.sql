-- One outbound webhook per project; its signing secret is sealed with the data dir's keyset.
CREATE TABLE webhooks (
    project           TEXT PRIMARY KEY,
    url               TEXT NOT NULL,
    secret_ciphertext TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
