package dev.warden.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code warden secrets rotate}: a new primary key for stored secrets, and every secret re-sealed under it. */
@Command(name = "secrets", mixinStandardHelpOptions = true, description = "Manage the key that encrypts stored secrets.",
        subcommands = SecretsCommand.Rotate.class)
final class SecretsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new primary key to DATA/secrets.keyset.json and re-encrypt every stored secret with it.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (var warden = data.open()) {
                int keys = warden.secrets().rotate();
                int resealed = warden.webhooks().reseal();
                spec.commandLine().getOut().println("Rotated: the keyset now has " + keys + " keys; " + resealed
                        + " stored secret(s) re-encrypted with the new one.");
                return 0;
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println("warden: " + e.getMessage());
                return 1;
            }
        }
    }
}
