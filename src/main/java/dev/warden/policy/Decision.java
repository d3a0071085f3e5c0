package dev.warden.policy;

/**
 * The policy's answer: the effect, a reason a person can read, the rule that decided (null for the
 * role check or the default), and who must approve when the effect is approve.
 */
public record Decision(Effect effect, String reason, String rule, Approvers approvers) {

    public Decision(Effect effect, String reason, String rule) {
        this(effect, reason, rule, Approvers.DEFAULT);
    }
}
