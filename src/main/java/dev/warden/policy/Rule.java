package dev.warden.policy;

/** One policy rule as written: its name, its CEL condition, the effect when it holds, the reason shown to callers, and the line it starts on. */
public record Rule(String name, String when, Effect effect, String reason, int line) {}
