package dev.warden.audit;

import java.util.Objects;

/**
 * An undo entry that is written in the same transaction as the audit record of the call that made
 * it: the two exist together or not at all, and a change costs a share of one group commit instead
 * of a write transaction of its own. {@code items} is the journal's JSON document, opaque here.
 */
public record UndoRow(String id, String createdAt, String principalId, String action, String items) {
    static final String INSERT =
            "INSERT INTO undo_entries (id, created_at, principal_id, action, items) VALUES (?, ?, ?, ?, ?)";

    public UndoRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(principalId, "principalId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(items, "items");
    }
}
