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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code fs.search}: files by name glob and/or lines by regular expression, under a directory.
 * Bounded every way an agent's search can blow up: result count, file size, line length, the
 * number of files looked at, and the call's deadline. Binary files and symlinked directories are
 * skipped.
 */
public final class SearchAction implements Action {
    static final int DEFAULT_MAX = 100;
    static final long MAX_FILE_SIZE = 2L * 1024 * 1024;
    static final int MAX_FILES = 100_000;
    static final int MAX_LINE = 10_000;
    static final int SHOWN_LINE = 300;

    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.search", 1, "Search files",
            "Find files under a directory by file-name glob (name, e.g. *.yml) and/or lines matching a Java regex "
                    + "(content). Skips binary and files over 2 MiB. Returns matches {path, line, text} (line and "
                    + "text only for content searches) and truncated.",
            Risk.READ, Effects.NONE, Schemas.input("fs.search"), Schemas.output("fs.search"), true, false);

    public SearchAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        jail.resolveExisting(in.text("path"));
        regex(in.text("content"));
        nameMatcher(in.text("name"));
        return Assessment.of(spec.risk());
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        var start = jail.resolveExisting(in.text("path"));
        var regex = regex(in.text("content"));
        var name = nameMatcher(in.text("name"));
        int max = (int) in.number("maxResults", DEFAULT_MAX);
        var deadline = ctx.deadline();
        var out = Json.object().put("path", start.toString());
        var matches = out.putArray("matches");
        var state = new int[] {0, 0}; // files scanned, files skipped
        boolean[] truncated = {false};
        try {
            Files.walkFileTree(start, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!attrs.isRegularFile()) return FileVisitResult.CONTINUE;
                    if (++state[0] > MAX_FILES || (deadline != null && Instant.now().isAfter(deadline))) {
                        truncated[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    if (name != null && !name.matches(file.getFileName())) return FileVisitResult.CONTINUE;
                    if (regex == null) {
                        if (matches.size() >= max) {
                            truncated[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        matches.add(Json.object().put("path", file.toString()));
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.size() > MAX_FILE_SIZE) {
                        state[1]++;
                        return FileVisitResult.CONTINUE;
                    }
                    return grep(file, regex, matches, max, state, truncated)
                            ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    // Warden's own files are not the caller's to search, even inside a root.
                    return jail.isProtected(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    state[1]++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw FsErrors.io("search", start, e);
        }
        return out.put("truncated", truncated[0]).put("filesScanned", Math.min(state[0], MAX_FILES)).put("filesSkipped", state[1]);
    }

    /** Adds the matching lines of one file; false when the result limit is reached. */
    private boolean grep(Path file, Pattern regex, ArrayNode matches, int max, int[] state, boolean[] truncated) {
        byte[] bytes;
        try (var channel = jail.open(file, StandardOpenOption.READ)) {
            bytes = new byte[(int) Math.min(channel.size(), MAX_FILE_SIZE)];
            var buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) { }
        } catch (IOException | ActionException e) {
            state[1]++;
            return true;
        }
        if (Content.looksBinary(bytes, bytes.length)) {
            state[1]++;
            return true;
        }
        var text = new String(bytes, StandardCharsets.UTF_8);
        int lineNo = 0;
        for (var line : text.split("\n", -1)) {
            lineNo++;
            var probe = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line;
            if (!regex.matcher(probe).find()) continue;
            if (matches.size() >= max) {
                truncated[0] = true;
                return false;
            }
            var shown = probe.strip();
            if (shown.length() > SHOWN_LINE) shown = shown.substring(0, SHOWN_LINE) + "…";
            matches.add(Json.object().put("path", file.toString()).put("line", lineNo).put("text", shown));
        }
        return true;
    }

    private static Pattern regex(String content) {
        if (content == null) return null;
        try {
            return Pattern.compile(content);
        } catch (PatternSyntaxException e) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_regex",
                    "The regular expression is not valid: " + e.getDescription() + " near index " + e.getIndex() + ".",
                    "Fix the regex (Java syntax; escape literal characters like . ( [ with a backslash) and retry.",
                    Json.object().put("error", e.getDescription()).put("index", e.getIndex()).put("pattern", content));
        }
    }

    private static PathMatcher nameMatcher(String name) {
        if (name == null) return null;
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + name);
        } catch (IllegalArgumentException e) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_glob", "The name glob '" + name + "' is not valid: " + e.getMessage(),
                    "Use a file-name glob such as *.yml or app-*.{log,txt}.");
        }
    }
}
