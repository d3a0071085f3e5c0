package dev.warden.actions.fs;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** {@code fs.move}: rename a file or directory inside the roots; undo renames it back. */
public final class MoveAction implements Action {
    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.move", 1, "Move or rename",
            "Move or rename a file or directory to a new path inside the allowed roots. Fails if the target exists "
                    + "unless overwrite=true (files only); the target's directory must exist. Undoable. Returns from, to "
                    + "and whether a file was overwritten.",
            Risk.MEDIUM, Effects.REVERSIBLE, Schemas.input("fs.move"), Schemas.output("fs.move"), false, false);

    public MoveAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    private record Plan(Path from, Path to, boolean overwrite) {}

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        plan(new Fields(input));
        return Assessment.of(spec.risk());
    }

    private Plan plan(Fields in) {
        var from = jail.resolveExisting(in.text("from"));
        var to = jail.resolve(in.text("to"));
        if (jail.isRootOrAbove(from)) throw FsErrors.refusedRoot(from);
        jail.refuseIfHoldsProtected(from);
        if (to.startsWith(from)) {
            throw new ActionException(ErrorKind.BAD_INPUT, "move_into_itself",
                    "Cannot move " + from + " to " + to + ", which lies inside it.", "Choose a target outside " + from + ".");
        }
        if (!Files.isDirectory(to.getParent())) throw FsErrors.parentNotFound(to);
        boolean exists = Files.exists(to, LinkOption.NOFOLLOW_LINKS);
        if (exists && !in.flag("overwrite")) {
            throw FsErrors.alreadyExists(to, "Pass overwrite=true to replace it (undo brings it back), or choose another target.");
        }
        if (exists && (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS))) {
            throw new ActionException(ErrorKind.CONFLICT, "cannot_overwrite_directory",
                    "overwrite replaces a file with a file; " + to + " or " + from + " is a directory.",
                    "Call fs.delete on " + to + " first, or move into a new path.");
        }
        return new Plan(from, to, exists);
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var plan = plan(new Fields(input));
        var from = jail.recheck(plan.from());
        var to = jail.recheck(plan.to());
        if (plan.overwrite()) ctx.journal().preserve(to);
        ctx.journal().moved(from, to);
        try {
            if (plan.overwrite()) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new ActionException(ErrorKind.CONFLICT, "cross_device_move",
                    from + " and " + to + " are on different file systems, so they cannot be renamed atomically.",
                    "Call fs.copy to the target, then fs.delete on " + from + ".");
        } catch (IOException e) {
            throw FsErrors.io("move", from, e);
        }
        AtomicWrite.syncDirectory(to.getParent());
        return result(plan);
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        return Optional.of(result(plan(new Fields(input))));
    }

    private static JsonNode result(Plan plan) {
        return Json.object().put("from", plan.from().toString()).put("to", plan.to().toString())
                .put("overwritten", plan.overwrite());
    }
}
