package dev.warden.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code warden webhook set|show|remove}: a project's outbound webhook, managed at the machine. */
@Command(name = "webhook", mixinStandardHelpOptions = true,
        description = "Set, show or remove a project's webhook (called when approvals are requested, decided, executed).",
        subcommands = {WebhookCommand.Set.class, WebhookCommand.Show.class, WebhookCommand.Remove.class})
final class WebhookCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the webhook; prints the signing secret alone on the last line.")
    static final class Set implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;
        @Parameters(index = "1", paramLabel = "URL")
        String url;
        @Option(names = "--secret-stdin", description = "Read the signing secret from stdin instead of generating one.")
        boolean secretStdin;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String secret = null;
            if (secretStdin) {
                secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            try (var warden = data.open()) {
                var created = warden.webhooks().set(project, url, secret);
                var out = spec.commandLine().getOut();
                out.println("Webhook of project " + project + ": " + created.hook().url());
                out.println("Signing secret (shown once; Warden-Signature: t=UNIX,sha256=HMAC-SHA256(secret, UNIX.body)):");
                out.println(created.secret());
                return 0;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("warden: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a project's webhook URL.")
    static final class Show implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (var warden = data.open()) {
                var hook = warden.webhooks().find(project);
                if (hook.isEmpty()) {
                    spec.commandLine().getErr().println("warden: project " + project + " has no webhook");
                    return 2;
                }
                spec.commandLine().getOut().println(hook.get().url());
                return 0;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a project's webhook.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (var warden = data.open()) {
                if (warden.webhooks().remove(project)) return 0;
                spec.commandLine().getErr().println("warden: project " + project + " has no webhook");
                return 2;
            }
        }
    }
}
