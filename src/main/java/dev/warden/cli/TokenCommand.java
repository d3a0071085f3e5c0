package dev.warden.cli;

import dev.warden.identity.IdentityAdmin;
import dev.warden.identity.Role;
import dev.warden.identity.TokenService;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden token}: tokens belong to a user and a project, with a role no higher than the user's there. */
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
                ttl = expires == null ? null : TokenService.parseLifetime(expires);
            } catch (IllegalArgumentException e) {
                return IdentityCli.usage(spec, e.getMessage());
            }
            List<String> patterns = actions == null ? List.of()
                    : Arrays.stream(actions.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            var request = new IdentityAdmin.TokenRequest(name == null ? user : name, user, project, parsedRole, ttl, patterns);
            return IdentityCli.run(spec, data, (identity, out) -> {
                var created = identity.createToken(IdentityCli.me(), IdentityCli.ORIGIN, request);
                var info = created.info();
                out.println("Created token " + info.id() + " for " + info.user() + " in " + info.project() + " as " + info.role().id()
                        + (info.expiresAt() == null ? "" : ", expires " + info.expiresAt())
                        + (patterns.isEmpty() ? "" : ", actions " + String.join(",", patterns)) + ".");
                out.println("The secret is shown only now:");
                out.println(created.secret());
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--project", description = "Only the tokens of this project.")
        String project;

        @Override
        public Integer call() {
            return IdentityCli.run(spec, data, (identity, out) -> {
                out.printf("%-16s %-10s %-10s %-9s %-8s %-22s %-22s %s%n", "ID", "USER", "PROJECT", "ROLE", "STATE", "EXPIRES", "LAST USED", "NAME");
                var now = java.time.Instant.now();
                for (var t : identity.tokens(IdentityCli.me(), project)) {
                    var state = t.revokedAt() != null ? "revoked" : t.activeAt(now) ? "active" : "expired";
                    out.printf("%-16s %-10s %-10s %-9s %-8s %-22s %-22s %s%n", t.id(), t.user(), t.project(), t.role().id(), state,
                            t.expiresAt() == null ? "never" : t.expiresAt().toString(),
                            t.lastUsedAt() == null ? "-" : t.lastUsedAt().toString(), t.name());
                }
                return 0;
            });
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
            return IdentityCli.run(spec, data, (identity, out) -> {
                identity.revokeToken(IdentityCli.me(), IdentityCli.ORIGIN, id);
                out.println("Revoked " + id + ".");
                return 0;
            });
        }
    }
}
