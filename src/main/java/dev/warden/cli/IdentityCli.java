package dev.warden.cli;

import dev.warden.identity.IdentityAdmin;
import dev.warden.identity.IdentityException;
import dev.warden.identity.Principal;
import java.io.PrintWriter;

/**
 * What the {@code user}, {@code project} and {@code token} commands share: they act as the local
 * admin (whoever can open the data dir) through {@link IdentityAdmin}, so each change is checked and
 * audited as over REST, and they print an identity error with its code and hint.
 */
final class IdentityCli {
    static final String ORIGIN = "cli";

    private IdentityCli() {}

    static Principal me() {
        return Principal.localAdmin(System.getProperty("user.name", "local"));
    }

    @FunctionalInterface
    interface Body {
        int run(IdentityAdmin admin, PrintWriter out);
    }

    /** Runs {@code body} on the data dir; exit 2 for bad input, 1 for any other refusal. */
    static int run(picocli.CommandLine.Model.CommandSpec spec, DataDirOptions data, Body body) {
        var err = spec.commandLine().getErr();
        try (var warden = data.open()) {
            return body.run(warden.identityAdmin(), spec.commandLine().getOut());
        } catch (IdentityException e) {
            err.println("error: " + e.getMessage() + " [" + e.code() + "]");
            if (e.hint() != null) err.println("hint: " + e.hint());
            return e.kind() == IdentityException.Kind.BAD_INPUT ? 2 : 1;
        }
    }

    static int usage(picocli.CommandLine.Model.CommandSpec spec, String message) {
        spec.commandLine().getErr().println("error: " + message);
        return 2;
    }
}
