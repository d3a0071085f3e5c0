package dev.warden.cli;

import dev.warden.engine.Intent;
import dev.warden.engine.Origin;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "undo", mixinStandardHelpOptions = true,
        description = "Restore what an action changed, by the undoId from its answer.")
final class UndoCommand implements Callable<Integer> {
    @Mixin
    DataDirOptions data;

    @Parameters(index = "0", paramLabel = "UNDO_ID")
    String undoId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (var warden = data.open()) {
            var principal = Principal.localAdmin(System.getProperty("user.name", "local"));
            var outcome = warden.engine().submit(Intent.execute("journal.undo", Json.object().put("undoId", undoId), principal, Origin.CLI));
            spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(OutcomeText.json(outcome)));
            return OutcomeText.exitCode(outcome);
        }
    }
}
