package dev.warden.action;

import java.util.Objects;

/**
 * Who a call is made for, as an action may need to know it: to record the owner of what it
 * creates (a background job) and to show that thing only to its owner and the project's admins.
 * Deciding whether the call may run at all is the policy's job, not the action's.
 *
 * @param id      the principal's id (a token id, {@code local:USER}); distinct per credential
 * @param name    the person or service behind it; the same on every token they hold
 * @param project the project the principal acts in
 * @param role    {@code viewer}, {@code operator} or {@code admin} in that project
 */
public record Caller(String id, String name, String project, String role) {

    /** For contexts outside the engine (tests of one action): owns nothing anyone else made. */
    public static final Caller NOBODY = new Caller("nobody", "nobody", "default", "viewer");

    public Caller {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(role, "role");
    }

    public boolean admin() {
        return "admin".equals(role);
    }
}
