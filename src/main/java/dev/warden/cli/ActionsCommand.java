package dev.warden.cli;

import dev.warden.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "actions", mixinStandardHelpOptions = true,
        description = "List the action catalog, or show one action with its schemas.")
final class ActionsCommand implements Callable<Integer> {
    @Mixin
    DataDirOptions data;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Show this action in full.")
    String id;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (var warden = data.open()) {
            var registry = warden.engine().registry();
            if (id == null) {
                for (var action : registry.all()) {
                    var s = action.spec();
                    out.printf("%-14s %-9s %s%n", s.id(), s.risk().id(), s.title());
                }
                return 0;
            }
            var found = registry.find(id);
            if (found.isEmpty()) {
                var closest = registry.closest(id, 3);
                spec.commandLine().getErr().println("error: no action called '" + id + "'"
                        + (closest.isEmpty() ? "" : "; did you mean " + String.join(", ", closest) + "?"));
                return 2;
            }
            var s = found.get().spec();
            var node = Json.object();
            node.put("id", s.id());
            node.put("title", s.title());
            node.put("description", s.description());
            node.put("risk", s.risk().id());
            node.put("effects", s.effects().id());
            node.set("inputSchema", s.inputSchema());
            node.set("outputSchema", s.outputSchema());
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            return 0;
        }
    }
}
