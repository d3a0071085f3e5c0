package dev.warden.identity;

import java.util.regex.Pattern;

/** What a user or project name may look like: plain, so it is safe in paths, URLs and audit records. */
final class Names {
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private Names() {}

    static String user(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_name",
                    "'" + name + "' is not a valid user name.",
                    "Use 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.");
        }
        return name;
    }

    static String project(String name) {
        if (name == null || !PROJECT.matcher(name).matches() || name.contains("..")) {
            throw new IdentityException(IdentityException.Kind.BAD_INPUT, "invalid_name",
                    "'" + name + "' is not a valid project name.",
                    "Use 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        return name;
    }
}
