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
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code fs.delete}: a soft delete. The file or tree is moved into the journal's trash, so undo can
 * put it back. A symlink named directly is deleted itself, not its target.
 */
public final class DeleteAction implements Action {
    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.delete", 1, "Delete a file or directory",
            "Delete a file, symlink or directory inside the allowed roots; a non-empty directory needs recursive=true. "
                    + "The delete is soft: it goes to Warden's trash and undo restores it. Returns the path and its type.",
            Risk.HIGH, Effects.REVERSIBLE, Schemas.input("fs.delete"), Schemas.output("fs.delete"), false, false);

    public DeleteAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    private record Plan(Path path, String type) {}

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        plan(new Fields(input));
        return Assessment.of(spec.risk());
    }

    private Plan plan(Fields in) {
        var text = in.text("path");
        var real = jail.resolveExisting(text);
        var named = jail.absolute(text);
        Path path = real;
        if (!named.equals(real) && Files.isSymbolicLink(named)) {
            // The link itself is what was named; its directory must be inside the roots.
            path = jail.recheck(named.getParent()).resolve(named.getFileName().toString());
        }
        if (jail.isRootOrAbove(path)) throw FsErrors.refusedRoot(path);
        jail.refuseIfHoldsProtected(path);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isDirectory() && !in.flag("recursive")) {
                try (var entries = Files.list(path)) {
                    if (entries.findAny().isPresent()) {
                        throw new ActionException(ErrorKind.CONFLICT, "directory_not_empty",
                                path + " is a directory that is not empty.",
                                "Pass recursive=true to delete it with everything inside (undo restores it), or call fs.list on it first.");
                    }
                }
            }
        } catch (IOException e) {
            throw FsErrors.io("inspect", path, e);
        }
        return new Plan(path, ListAction.type(attrs));
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var plan = plan(new Fields(input));
        var parent = jail.recheck(plan.path().getParent());
        ctx.journal().trash(parent.resolve(plan.path().getFileName().toString()));
        return Json.object().put("path", plan.path().toString()).put("type", plan.type()).put("deleted", true);
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        var plan = plan(new Fields(input));
        return Optional.of(Json.object().put("path", plan.path().toString()).put("type", plan.type()).put("deleted", false)
                .put("note", "Would move " + plan.path() + " to the trash; undo would restore it."));
    }
}
