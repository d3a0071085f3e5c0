package dev.warden.actions.sys;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.json.Json;
import dev.warden.system.ProcessTable;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code proc.kill}: sends a signal to a process. Init (pid 1) and Warden itself are refused at the
 * guard stage, before policy is even asked: no rule can make an agent stop the gateway that governs it.
 */
final class ProcKillAction implements Action {
    static final String ID = "proc.kill";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Signal a process",
            "Send a signal (default TERM; KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT) to a process by pid and wait"
                    + " up to waitMs for it to end. Refuses pid 1 and Warden itself. Find pids with proc.list.",
            Risk.HIGH, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final ProcessTable processes;

    ProcKillAction(ProcessTable processes) {
        this.processes = processes;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        int pid = input.path("pid").asInt();
        switch (processes.protection(pid)) {
            case INIT -> throw new ActionException(ErrorKind.REFUSED, "process_protected",
                    "pid 1 is init; signalling it would take the machine down.",
                    "Signal the service's own process instead: proc.list filtered by name finds it.");
            case WARDEN -> throw new ActionException(ErrorKind.REFUSED, "process_protected",
                    "pid " + pid + " is Warden itself; an agent cannot stop the gateway that governs it.",
                    "An operator stops Warden on the machine (or through its service manager).");
            case NONE -> { }
        }
        return Assessment.of(SPEC.risk());
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        int pid = input.get("pid").asInt();
        var node = target(pid);
        node.put("signal", signal(input).name());
        node.put("sent", false);
        node.put("simulated", true);
        node.put("note", "would send SIG" + signal(input).name() + " to pid " + pid);
        return Optional.of(node);
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        int pid = input.get("pid").asInt();
        var signal = signal(input);
        var node = target(pid);
        var sent = processes.signal(pid, signal, Duration.ofMillis(input.path("waitMs").asLong(2000)));
        if (!sent.sent()) {
            if (sent.exited()) throw ProcInfoAction.notFound(pid);
            throw new ActionException(ErrorKind.INTERNAL, "signal_failed",
                    "SIG" + signal.name() + " could not be sent to pid " + pid + ": " + sent.error() + ".",
                    "Check with proc.info whether the process still runs and who owns it.");
        }
        node.put("signal", signal.name());
        node.put("sent", true);
        node.put("exited", sent.exited());
        if (!sent.exited() && endsProcesses(signal)) {
            node.put("note", "still running after the wait; send KILL if it must stop now");
        }
        return node;
    }

    /** Who would be signalled: named in the answer and the audit trail, so a reused pid shows. */
    private ObjectNode target(int pid) {
        var info = processes.info(pid).orElseThrow(() -> ProcInfoAction.notFound(pid));
        var node = Json.object();
        node.put("pid", pid);
        node.put("name", info.path("name").asString(""));
        node.put("user", info.path("user").asString(""));
        node.put("command", info.path("command").asString(""));
        return node;
    }

    private static ProcessTable.Signal signal(JsonNode input) {
        return ProcessTable.Signal.valueOf(input.path("signal").asString("TERM"));
    }

    private static boolean endsProcesses(ProcessTable.Signal signal) {
        return switch (signal) {
            case TERM, KILL, INT, QUIT -> true;
            default -> false;
        };
    }
}
