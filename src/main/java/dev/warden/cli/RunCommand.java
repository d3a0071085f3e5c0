package dev.warden.cli;

import dev.warden.engine.Intent;
import dev.warden.engine.Mode;
import dev.warden.engine.Origin;
import dev.warden.engine.Outcome;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one action in this process, against the same data dir and through the same engine as the
 * server, as the local admin (whoever can read the data dir already holds its keys).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an action in-process: warden run fs.read path=README.md, or --json '{...}'.",
        footer = {"", "Arguments: key=value sets a string; key:=json sets any JSON value (numbers, true, lists).",
                "Exit codes: 0 done, 1 failed, 2 invalid input, 3 denied, 4 needs confirmation."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    DataDirOptions data;

    @Parameters(index = "0", paramLabel = "ACTION", description = "Action id, e.g. fs.read.")
    String actionId;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Input fields.")
    List<String> pairs = new ArrayList<>();

    @Option(names = "--json", paramLabel = "JSON", description = "The whole input as a JSON object.")
    String json;

    @Option(names = "--simulate", description = "Dry run: show what would happen, change nothing.")
    boolean simulate;

    @Option(names = "--confirm", paramLabel = "TOKEN", description = "Confirmation token from an earlier answer.")
    String confirm;

    @Option(names = "--yes", description = "Confirm without asking when the policy asks for confirmation.")
    boolean yes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        ObjectNode input;
        try {
            input = buildInput();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try (var warden = data.open()) {
            var principal = Principal.localAdmin(System.getProperty("user.name", "local"));
            var intent = new Intent(actionId, input, principal, Origin.CLI, simulate ? Mode.SIMULATE : Mode.EXECUTE, confirm, null);
            var outcome = warden.engine().submit(intent);
            if (outcome instanceof Outcome.NeedsConfirmation nc && (yes || Prompt.confirm(nc, err))) {
                outcome = warden.engine().submit(intent.withConfirmation(nc.token()));
            }
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(OutcomeText.json(outcome)));
            return OutcomeText.exitCode(outcome);
        }
    }

    private ObjectNode buildInput() {
        ObjectNode input = Json.object();
        if (json != null) {
            JsonNode parsed;
            try {
                parsed = Json.parse(json);
            } catch (JacksonException e) {
                throw new IllegalArgumentException("--json is not valid JSON: " + e.getOriginalMessage());
            }
            if (!(parsed instanceof ObjectNode obj)) throw new IllegalArgumentException("--json must be a JSON object");
            input = obj;
        }
        for (var pair : pairs) {
            int raw = pair.indexOf(":=");
            int eq = pair.indexOf('=');
            if (raw > 0 && raw < eq) {
                var key = pair.substring(0, raw);
                try {
                    input.set(key, Json.parse(pair.substring(raw + 2)));
                } catch (JacksonException e) {
                    throw new IllegalArgumentException(key + ":= needs a JSON value: " + e.getOriginalMessage());
                }
            } else if (eq > 0) {
                input.put(pair.substring(0, eq), pair.substring(eq + 1));
            } else {
                throw new IllegalArgumentException("'" + pair + "' is not key=value or key:=json");
            }
        }
        return input;
    }
}
