package dev.warden.cli;

import dev.warden.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code warden doctor}: the checks of {@code /readyz} (database, audit writer, free space) plus
 * what the sandbox can enforce on this machine (namespaces, cgroups, overlay), found by trying them.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the data dir, the audit writer, free space and this machine's sandbox capabilities.")
final class DoctorCommand implements Callable<Integer> {
    @Mixin
    DataDirOptions data;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (var warden = data.open()) {
            var readiness = warden.readiness();
            var sandbox = warden.sandboxes().capabilityReport();
            var ready = "ready".equals(readiness.path("status").asString());
            var out = spec.commandLine().getOut();
            if (json) {
                var node = Json.object();
                node.set("readiness", readiness);
                node.set("sandbox", sandbox);
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
                return ready ? 0 : 1;
            }
            readiness.path("checks").properties().forEach(e ->
                    out.printf("%-4s %-14s %s%n", e.getValue().path("ok").asBoolean() ? "ok" : "FAIL", e.getKey(),
                            detail(e.getValue())));
            out.println();
            out.println("Sandbox on this machine:");
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(sandbox));
            return ready ? 0 : 1;
        }
    }

    private static String detail(tools.jackson.databind.JsonNode check) {
        var copy = check.deepCopy();
        if (copy instanceof tools.jackson.databind.node.ObjectNode o) o.remove("ok");
        return copy.isEmpty() ? "" : Json.write(copy);
    }
}
