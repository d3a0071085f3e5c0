package dev.warden.policy;

/** The policy's answer: the effect, a reason a person can read, and the rule that decided (null for the role check or the default). */
public record Decision(Effect effect, String reason, String rule) {}
