package dev.warden.engine;

import java.util.Locale;

/** The front an intent came through, recorded in the audit trail. */
public enum Origin {
    REST, MCP, CLI, AGENT, SCHEDULER, WEBHOOK, INTERNAL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
