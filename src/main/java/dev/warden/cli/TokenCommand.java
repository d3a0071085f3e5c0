package dev.warden.cli;

import dev.warden.identity.Role;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list and revoke API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token; its secret is printed once, alone on the last line.")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Option(names = "--name", description = "A label for the token (default: the user).")
        String name;

        @Option(names = "--user", defaultValue = "admin", description = "The user the token acts for (default admin).")
        String user;

        @Option(names = "--project", defaultValue = "default", description = "Project (default: default).")
        String project;

        @Option(names = "--role", defaultValue = "operator", description = "viewer, operator or admin (default operator).")
        String role;

        @Option(names = "--expires", paramLabel = "DURATION", description = "Lifetime such as 30m, 24h, 7d (default: never).")
        String expires;

        @Option(names = "--actions", paramLabel = "PATTERNS", description = "Comma-separated action patterns the token may call, e.g. 'fs.*'.")
        String actions;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Role parsedRole;
            Duration ttl;
            try {
                parsedRole = Role.parse(role);
                ttl = expires == null ? null : parseDuration(expires);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
            List<String> patterns = actions == null ? List.of()
                    : Arrays.stream(actions.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            try (var warden = data.open()) {
                var created = warden.tokens().create(name == null ? user : name, user, project, parsedRole, ttl, patterns);
                var out = spec.commandLine().getOut();
                var info = created.info();
                out.println("Created token " + info.id() + " for " + info.user() + " in " + info.project() + " as " + info.role().id()
                        + (info.expiresAt() == null ? "" : ", expires " + info.expiresAt())
                        + (patterns.isEmpty() ? "" : ", actions " + String.join(",", patterns)) + ".");
                out.println("The secret is shown only now:");
                out.println(created.secret());
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (var warden = data.open()) {
                var out = spec.commandLine().getOut();
                out.printf("%-16s %-10s %-10s %-9s %-8s %-22s %-22s %s%n", "ID", "USER", "PROJECT", "ROLE", "STATE", "EXPIRES", "LAST USED", "NAME");
                var now = java.time.Instant.now();
                for (var t : warden.tokens().list()) {
                    var state = t.revokedAt() != null ? "revoked" : t.activeAt(now) ? "active" : "expired";
                    out.printf("%-16s %-10s %-10s %-9s %-8s %-22s %-22s %s%n", t.id(), t.user(), t.project(), t.role().id(), state,
                            t.expiresAt() == null ? "never" : t.expiresAt().toString(),
                            t.lastUsedAt() == null ? "-" : t.lastUsedAt().toString(), t.name());
                }
                return 0;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by id.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (var warden = data.open()) {
                if (warden.tokens().revoke(id)) {
                    spec.commandLine().getOut().println("Revoked " + id + ".");
                    return 0;
                }
                spec.commandLine().getErr().println("error: no active token " + id + "; ./warden token list shows them");
                return 1;
            }
        }
    }

    static Duration parseDuration(String text) {
        var t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.length() < 2) throw new NumberFormatException();
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            if (n <= 0) throw new IllegalArgumentException("--expires must be positive, was " + text);
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("--expires must look like 30m, 24h or 7d, was '" + text + "'");
        }
    }

}
