package dev.warden.policy;

import java.util.Locale;

/** What a policy says about one intent. Precedence when several rules match: deny, approve, confirm, allow. */
public enum Effect {
    ALLOW, CONFIRM, APPROVE, DENY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stronger of two effects, by the precedence deny > approve > confirm > allow. */
    public Effect strongest(Effect other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
