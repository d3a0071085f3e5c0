package dev.warden.policy;

/**
 * One policy rule as written: its name, its CEL condition, the effect when it holds, the reason shown
 * to callers, the line it starts on, and, for {@code approve}, who must approve.
 */
public record Rule(String name, String when, Effect effect, String reason, int line, Approvers approvers) {

    public Rule(String name, String when, Effect effect, String reason, int line) {
        this(name, when, effect, reason, line, Approvers.DEFAULT);
    }
}
