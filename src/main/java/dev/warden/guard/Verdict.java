package dev.warden.guard;

import dev.warden.action.Risk;

/** The risk of one command and the sentence that explains it. */
record Verdict(Risk risk, String reason) {
    static Verdict read(String reason) {
        return new Verdict(Risk.READ, reason);
    }

    static Verdict low(String reason) {
        return new Verdict(Risk.LOW, reason);
    }

    static Verdict medium(String reason) {
        return new Verdict(Risk.MEDIUM, reason);
    }

    static Verdict high(String reason) {
        return new Verdict(Risk.HIGH, reason);
    }

    static Verdict critical(String reason) {
        return new Verdict(Risk.CRITICAL, reason);
    }

    /** The more dangerous of the two; on a tie the first stands. */
    Verdict max(Verdict other) {
        return other != null && other.risk.compareTo(risk) > 0 ? other : this;
    }
}
