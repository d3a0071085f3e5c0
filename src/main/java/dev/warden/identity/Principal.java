package dev.warden.identity;

import java.util.List;
import java.util.Objects;

/**
 * Who is asking: a user acting through a token, the local admin, or Warden itself. {@code
 * actionPatterns} narrows what a token may call ({@code fs.*}); empty means no narrowing.
 */
public record Principal(String id, String name, Role role, String project, Kind kind, List<String> actionPatterns) {

    public enum Kind { USER, TOKEN, LOCAL, SYSTEM }

    public Principal {
        Objects.requireNonNull(id);
        Objects.requireNonNull(name);
        Objects.requireNonNull(role);
        Objects.requireNonNull(project);
        Objects.requireNonNull(kind);
        actionPatterns = List.copyOf(actionPatterns);
    }

    /** The operator at the machine, running the CLI against the data dir. */
    public static Principal localAdmin(String user) {
        return new Principal("local:" + user, user, Role.ADMIN, "default", Kind.LOCAL, List.of());
    }

    public boolean mayCall(String actionId) {
        if (actionPatterns.isEmpty()) return true;
        for (var pattern : actionPatterns) {
            if (pattern.equals("*") || pattern.equals(actionId)) return true;
            if (pattern.endsWith("*") && actionId.startsWith(pattern.substring(0, pattern.length() - 1))) return true;
        }
        return false;
    }
}
