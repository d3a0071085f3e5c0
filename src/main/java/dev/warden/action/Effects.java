package dev.warden.action;

import java.util.Locale;

/** Whether running an action changes the world, and whether Warden can take the change back. */
public enum Effects {
    NONE, REVERSIBLE, IRREVERSIBLE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
