package dev.warden.cli;

import dev.warden.policy.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Check policy files.",
        subcommands = {PolicyCommand.Validate.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Report every problem in a policy file (default: the policy in force in the data dir) "
                    + "with its line and column; exit 0 when there is none.")
    static final class Validate implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (file == null) file = data.config(null, null).policyFile();
            if (!Files.isRegularFile(file)) {
                spec.commandLine().getErr().println("error: " + file + " is not a file");
                return 2;
            }
            var problems = Policy.validate(file);
            if (problems.isEmpty()) {
                spec.commandLine().getOut().println("ok: " + file + " is a valid policy");
                return 0;
            }
            var err = spec.commandLine().getErr();
            problems.forEach(p -> err.println(p));
            err.println(problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in " + file);
            return 1;
        }
    }
}
