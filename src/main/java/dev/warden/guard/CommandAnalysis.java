package dev.warden.guard;

import dev.warden.action.Risk;
import java.util.List;

/** What a command line will run, command by command, and the risk of the whole: the highest of its parts. */
public record CommandAnalysis(Risk risk, List<ParsedCommand> commands, List<String> reasons) {
    public CommandAnalysis {
        commands = List.copyOf(commands);
        reasons = List.copyOf(reasons);
    }

    /**
     * One simple command found in the line, with wrappers ({@code sudo}, {@code env}, {@code sh -c}) seen through:
     * {@code argv} is the command that does the work, {@code wrappers} the commands peeled off to reach it, outermost first.
     */
    public record ParsedCommand(List<String> argv, Risk risk, String reason, List<String> wrappers) {
        public ParsedCommand {
            argv = List.copyOf(argv);
            wrappers = List.copyOf(wrappers);
        }

        public ParsedCommand(List<String> argv, Risk risk, String reason) {
            this(argv, risk, reason, List.of());
        }
    }
}
