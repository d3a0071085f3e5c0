package dev.warden.audit;

/** SKELETON: the group-committing, hash-chaining audit writer. Replaced by the real implementation. */
public final class AuditLog implements AutoCloseable {
    /** Appends and returns the record's sequence number once it is durable. */
    public long append(AuditEntry entry) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
