package dev.warden.cli;

import dev.warden.engine.Outcome;
import dev.warden.json.Json;
import java.io.PrintWriter;

/** Asks the person at the terminal to confirm a held intent; never asks when there is no terminal. */
final class Prompt {
    private Prompt() {}

    static boolean confirm(Outcome.NeedsConfirmation nc, PrintWriter err) {
        var console = System.console();
        if (console == null) return false;
        err.println(nc.reason());
        err.println("Preview:");
        err.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(nc.preview()));
        err.flush();
        var answer = console.readLine("Proceed with %s? [y/N] ", nc.actionId());
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
