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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** {@code fs.mkdir}: create a directory (and, with parents, the missing ones above it). */
public final class MkdirAction implements Action {
    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.mkdir", 1, "Create a directory",
            "Create a directory inside the allowed roots; with parents=true also the missing directories above it. "
                    + "An existing directory is fine (created=false). Undoable. Returns the path and created.",
            Risk.LOW, Effects.REVERSIBLE, Schemas.input("fs.mkdir"), Schemas.output("fs.mkdir"), true, false);

    public MkdirAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    /** {@code topmost} is the highest directory that will be created, or null when the directory exists. */
    private record Plan(Path path, Path topmost) {}

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        plan(new Fields(input));
        return Assessment.of(spec.risk());
    }

    private Plan plan(Fields in) {
        var path = jail.resolve(in.text("path"));
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) return new Plan(path, null);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw FsErrors.alreadyExists(path, "It is not a directory; call fs.stat on it, or choose another path.");
        }
        var topmost = path;
        while (!Files.exists(topmost.getParent(), LinkOption.NOFOLLOW_LINKS)) topmost = topmost.getParent();
        if (!Files.isDirectory(topmost.getParent())) throw FsErrors.notADirectory(topmost.getParent());
        if (!topmost.equals(path) && !in.flag("parents")) {
            throw new ActionException(ErrorKind.NOT_FOUND, "parent_not_found",
                    "The directory " + path.getParent() + " does not exist.",
                    "Call fs.mkdir again with parents=true to create the missing directories too.");
        }
        return new Plan(path, topmost);
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var plan = plan(new Fields(input));
        if (plan.topmost() == null) return result(plan.path(), false);
        jail.recheck(plan.topmost().getParent());
        ctx.journal().created(plan.topmost());
        try {
            Files.createDirectories(plan.path());
        } catch (IOException e) {
            throw FsErrors.io("create", plan.path(), e);
        }
        jail.recheck(plan.path());
        return result(plan.path(), true);
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        var plan = plan(new Fields(input));
        return Optional.of(result(plan.path(), plan.topmost() != null));
    }

    private static JsonNode result(Path path, boolean created) {
        return Json.object().put("path", path.toString()).put("created", created);
    }
}
