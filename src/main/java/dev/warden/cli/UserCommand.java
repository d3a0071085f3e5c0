package dev.warden.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "user", mixinStandardHelpOptions = true, description = "Create, list and disable users.",
        subcommands = {UserCommand.Create.class, UserCommand.ListUsers.class, UserCommand.Disable.class})
final class UserCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a user.")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--admin", description = "Make the user a system admin (all projects, users and projects).")
        boolean admin;

        @Option(names = "--password-stdin", description = "Read the user's password from stdin (one trailing newline is dropped).")
        boolean passwordStdin;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String password = null;
            if (passwordStdin) {
                try {
                    password = readPassword(System.in);
                } catch (IOException e) {
                    return IdentityCli.usage(spec, "cannot read the password from stdin: " + e.getMessage());
                }
                if (password.isEmpty()) return IdentityCli.usage(spec, "--password-stdin read an empty password");
            }
            var secret = password;
            return IdentityCli.run(spec, data, (identity, out) -> {
                var user = identity.createUser(IdentityCli.me(), IdentityCli.ORIGIN, name, admin, secret);
                out.println("Created user " + user.name() + (user.systemAdmin() ? " (system admin)" : "")
                        + (user.hasPassword() ? " with a password" : "") + ".");
                return 0;
            });
        }
    }

    /** All of stdin but one trailing line break, so both {@code echo pw |} and {@code printf pw |} give "pw". */
    static String readPassword(InputStream in) throws IOException {
        var text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (text.endsWith("\r\n")) return text.substring(0, text.length() - 2);
        if (text.endsWith("\n")) return text.substring(0, text.length() - 1);
        return text;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return IdentityCli.run(spec, data, (identity, out) -> {
                out.printf("%-24s %-12s %-9s %-9s %s%n", "NAME", "SYSTEM", "PASSWORD", "STATE", "CREATED");
                for (var u : identity.users(IdentityCli.me())) {
                    out.printf("%-24s %-12s %-9s %-9s %s%n", u.name(), u.systemAdmin() ? "admin" : "-", u.hasPassword() ? "yes" : "no",
                            u.enabled() ? "enabled" : "disabled", u.createdAt());
                }
                return 0;
            });
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a user: their tokens stop working.")
    static final class Disable implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return IdentityCli.run(spec, data, (identity, out) -> {
                identity.disableUser(IdentityCli.me(), IdentityCli.ORIGIN, name);
                out.println("Disabled " + name + "; their tokens no longer work.");
                return 0;
            });
        }
    }
}
