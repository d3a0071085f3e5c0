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
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * {@code fs.list}: the entries under a directory, to a depth, filtered by a glob, sorted by path and
 * paged. Symlinks are listed as such and never followed, so a listing cannot wander out of the roots.
 * The cursor is the last relative path of the previous page, so paging is stable while the tree is.
 */
public final class ListAction implements Action {
    static final int MAX_DEPTH = 10;
    static final int DEFAULT_LIMIT = 200;
    /** An upper bound on the entries one call looks at, so a huge tree cannot exhaust memory. */
    static final int MAX_SCANNED = 200_000;

    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.list", 1, "List a directory",
            "List the entries of a directory inside the allowed roots, optionally recursive (depth, max 10) and "
                    + "filtered by a glob such as **/*.java. Returns entries {path, name, type, size, modified} sorted "
                    + "by path; pass nextCursor as cursor to get the next page.",
            Risk.READ, Effects.NONE, Schemas.input("fs.list"), Schemas.output("fs.list"), true, false);

    public ListAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        directory(in);
        matcher(in.text("glob"));
        cursor(in.text("cursor"));
        return Assessment.of(spec.risk());
    }

    private Path directory(Fields in) {
        var dir = jail.resolveExisting(in.text("path"));
        if (!Files.isDirectory(dir)) throw FsErrors.notADirectory(dir);
        return dir;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        var dir = directory(in);
        int depth = (int) Math.min(MAX_DEPTH, in.number("depth", 1));
        int limit = (int) in.number("limit", DEFAULT_LIMIT);
        var glob = matcher(in.text("glob"));
        var after = cursor(in.text("cursor"));
        var found = new ArrayList<Entry>();
        boolean[] capped = {false};
        try {
            jail.recheck(dir);
            Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), depth, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (!d.equals(dir)) add(d, attrs);
                    return capped[0] ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    add(file, attrs);
                    return capped[0] ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable entries are left out, not fatal
                }

                private void add(Path p, BasicFileAttributes attrs) {
                    var rel = dir.relativize(p).toString();
                    if (after != null && rel.compareTo(after) <= 0) return;
                    if (!glob.test(rel)) return;
                    found.add(new Entry(p, rel, attrs));
                    if (found.size() >= MAX_SCANNED) capped[0] = true;
                }
            });
        } catch (IOException e) {
            throw FsErrors.io("list", dir, e);
        }
        found.sort((a, b) -> a.rel().compareTo(b.rel()));
        var out = Json.object().put("path", dir.toString());
        var entries = out.putArray("entries");
        for (var e : found.subList(0, Math.min(limit, found.size()))) {
            entries.add(Json.object().put("path", e.path().toString()).put("name", e.path().getFileName().toString())
                    .put("type", type(e.attrs())).put("size", e.attrs().size())
                    .put("modified", e.attrs().lastModifiedTime().toInstant().toString()));
        }
        boolean more = found.size() > limit || capped[0];
        if (more && !found.isEmpty()) {
            var last = found.get(Math.min(limit, found.size()) - 1).rel();
            out.put("nextCursor", Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        out.put("truncated", more);
        return out;
    }

    private record Entry(Path path, String rel, BasicFileAttributes attrs) {}

    static String type(BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) return "symlink";
        if (attrs.isDirectory()) return "dir";
        if (attrs.isRegularFile()) return "file";
        return "other";
    }

    /**
     * A glob over the path relative to the listed directory. {@code **}{@code /x} also matches
     * {@code x} at the top level, which is what people mean by it (java.nio's glob would demand a slash).
     */
    static Predicate<String> matcher(String glob) {
        if (glob == null || glob.isEmpty()) return rel -> true;
        try {
            var fs = FileSystems.getDefault();
            PathMatcher full = fs.getPathMatcher("glob:" + glob);
            PathMatcher top = glob.startsWith("**/") ? fs.getPathMatcher("glob:" + glob.substring(3)) : null;
            return rel -> {
                var p = Path.of(rel);
                return full.matches(p) || (top != null && top.matches(p));
            };
        } catch (IllegalArgumentException e) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_glob", "The glob '" + glob + "' is not valid: " + e.getMessage(),
                    "Use a glob such as *.txt, **/*.java or src/{main,test}/**.");
        }
    }

    private static String cursor(String cursor) {
        if (cursor == null) return null;
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_cursor", "The cursor is not one fs.list handed out.",
                    "Pass the nextCursor of a previous fs.list answer unchanged, or leave cursor out to start over.");
        }
    }

}
