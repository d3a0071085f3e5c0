package dev.warden.audit;

import java.util.Locale;

/** What {@link AuditVerifier} found: an intact chain, or the first record that breaks it. */
public sealed interface VerifyReport {

    boolean ok();

    /** Records that verified, from record 1 up to the first bad one (or the head). */
    long count();

    /** One sentence for a person. */
    String message();

    /** How a chain was broken. */
    enum Tampering {
        /** A record's contents no longer match its hash, or its hash was recomputed. */
        EDITED,
        /** Records are missing: a gap in seq, or a link to a predecessor that is gone. */
        DELETED,
        /** A record's contents sit at another position than the one they were hashed for. */
        REORDERED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Every record verified. Deleting the newest records leaves an intact, shorter chain, which
     * nothing inside the table can reveal; comparing {@code headSeq}/{@code headHash} with a
     * checkpoint kept elsewhere can.
     */
    record Intact(long count, long headSeq, String headHash) implements VerifyReport {
        @Override
        public boolean ok() {
            return true;
        }

        @Override
        public String message() {
            if (count == 0) return "The audit trail is empty.";
            return "All " + count + " audit records verify; the chain ends at record " + headSeq + " with hash "
                    + headHash + ". Removal of the newest records cannot be detected without a checkpoint of this head.";
        }
    }

    /** {@code seq} is the first record found wrong (for a deletion: the first missing one). */
    record Broken(long count, long seq, Tampering tampering, String message) implements VerifyReport {
        @Override
        public boolean ok() {
            return false;
        }
    }
}
