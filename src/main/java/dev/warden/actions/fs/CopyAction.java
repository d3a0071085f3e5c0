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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code fs.copy}: copy a file or a directory tree to a new path, keeping permissions and times.
 * Symlinks inside a tree are copied as links, never followed. A copy that fails half way removes
 * what it had copied, so a failed call leaves nothing behind.
 */
public final class CopyAction implements Action {
    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.copy", 1, "Copy a file or directory",
            "Copy a file or a whole directory tree to a new path inside the allowed roots; the target must not exist "
                    + "and its directory must. Undoable (undo removes the copy). Returns from, to, type, and the number "
                    + "of files and bytes copied.",
            Risk.LOW, Effects.REVERSIBLE, Schemas.input("fs.copy"), Schemas.output("fs.copy"), false, false);

    public CopyAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    private record Plan(Path from, Path to) {}

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        plan(new Fields(input));
        return Assessment.of(spec.risk());
    }

    private Plan plan(Fields in) {
        var from = jail.resolveExisting(in.text("from"));
        var to = jail.resolve(in.text("to"));
        // A copy of a tree holding Warden's data would put its keys where they can be read.
        jail.refuseIfHoldsProtected(from);
        if (to.startsWith(from)) {
            throw new ActionException(ErrorKind.BAD_INPUT, "copy_into_itself",
                    "Cannot copy " + from + " to " + to + ", which lies inside it.", "Choose a target outside " + from + ".");
        }
        if (!Files.isDirectory(to.getParent())) throw FsErrors.parentNotFound(to);
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw FsErrors.alreadyExists(to, "Choose a new target path, or call fs.delete on it first.");
        }
        return new Plan(from, to);
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var plan = plan(new Fields(input));
        var from = jail.recheck(plan.from());
        var to = jail.recheck(plan.to());
        ctx.journal().created(to);
        long[] counts = {0, 0};
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.copy(dir, to.resolve(from.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                    if (attrs.isRegularFile()) {
                        counts[0]++;
                        counts[1] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) throw e;
                    var times = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    Files.setLastModifiedTime(to.resolve(from.relativize(dir).toString()), times.lastModifiedTime());
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            removePartial(to);
            throw FsErrors.io("copy", from, e);
        }
        AtomicWrite.syncDirectory(to.getParent());
        return Json.object().put("from", from.toString()).put("to", to.toString())
                .put("type", Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS) ? "dir" : "file")
                .put("files", counts[0]).put("bytes", counts[1]);
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        var plan = plan(new Fields(input));
        return Optional.of(Json.object().put("from", plan.from().toString()).put("to", plan.to().toString())
                .put("type", Files.isDirectory(plan.from(), LinkOption.NOFOLLOW_LINKS) ? "dir" : "file")
                .put("wouldCreate", plan.to().toString()));
    }

    private static void removePartial(Path to) {
        try {
            if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) return;
            try (var walk = Files.walk(to)) {
                for (var p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // The copy already failed; its error is the one worth reporting.
        }
    }
}
