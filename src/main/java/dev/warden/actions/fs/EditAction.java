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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code fs.edit}: replace exact text in a file. The count of occurrences must match what the
 * caller expects, so an edit never lands in a place the caller did not mean; when the text is not
 * there at all, the error shows the most similar region so the caller can correct its copy.
 */
public final class EditAction implements Action {
    static final long MAX_SIZE = 8L * 1024 * 1024;

    private final PathJail jail;
    private final ActionSpec spec = new ActionSpec("fs.edit", 1, "Edit a file",
            "Replace oldText with newText in a text file. oldText must match exactly (whitespace included) and occur "
                    + "expectedCount times (default 1); if not found, the error shows the closest match. Undoable. "
                    + "Returns the number of replacements and a unified diff.",
            Risk.MEDIUM, Effects.REVERSIBLE, Schemas.input("fs.edit"), Schemas.output("fs.edit"), false, false);

    public EditAction(PathJail jail) {
        this.jail = jail;
    }

    @Override
    public ActionSpec spec() {
        return spec;
    }

    private record Plan(Path path, String before, String after, int count) {}

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        var in = new Fields(input);
        var path = jail.resolveExisting(in.text("path"));
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) throw FsErrors.isADirectory(path);
        return Assessment.of(spec.risk());
    }

    private Plan plan(Fields in) {
        var path = jail.resolveExisting(in.text("path"));
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) throw FsErrors.isADirectory(path);
        var oldText = in.text("oldText");
        var newText = in.text("newText");
        int expected = (int) in.number("expectedCount", 1);
        var before = readText(path);
        var positions = new ArrayList<Integer>();
        for (int at = before.indexOf(oldText); at >= 0; at = before.indexOf(oldText, at + oldText.length())) {
            positions.add(at);
        }
        if (positions.isEmpty()) throw notFound(path, before, oldText);
        if (positions.size() != expected) {
            var details = Json.object().put("expected", expected).put("actual", positions.size());
            var lines = details.putArray("lines");
            positions.stream().limit(50).forEach(p -> lines.add(lineOf(before, p)));
            throw new ActionException(ErrorKind.CONFLICT, "edit_count_mismatch",
                    "oldText occurs " + positions.size() + " times in " + path + ", not " + expected + ".",
                    positions.size() > expected
                            ? "Add surrounding lines to oldText so it matches only the place you mean, or pass expectedCount="
                                    + positions.size() + " to replace all of them."
                            : "Pass expectedCount=" + positions.size() + ", or call fs.read to check the file.",
                    details);
        }
        var after = new StringBuilder(before.length() + (newText.length() - oldText.length()) * positions.size());
        int from = 0;
        for (int at : positions) {
            after.append(before, from, at).append(newText);
            from = at + oldText.length();
        }
        after.append(before, from, before.length());
        return new Plan(path, before, after.toString(), positions.size());
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        // Claim the file before reading it: the replacement is computed from what is read, and a
        // concurrent edit in between would otherwise be overwritten unseen.
        ctx.journal().claim(jail.resolveExisting(new Fields(input).text("path")));
        var plan = plan(new Fields(input));
        ctx.journal().preserve(plan.path());
        AtomicWrite.write(jail, plan.path(), plan.after().getBytes(StandardCharsets.UTF_8), false);
        return result(plan);
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        return Optional.of(result(plan(new Fields(input))));
    }

    private static JsonNode result(Plan plan) {
        return Json.object().put("path", plan.path().toString()).put("replacements", plan.count())
                .put("diff", TextDiff.unified(plan.path().toString(), plan.before(), plan.after()));
    }

    private String readText(Path path) {
        try (var channel = jail.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_SIZE) {
                throw new ActionException(ErrorKind.LIMIT, "file_too_large",
                        path + " is " + size + " bytes; fs.edit handles files up to " + MAX_SIZE + " bytes.",
                        "Use fs.write with the whole new content, or shell.exec with a stream editor.");
            }
            var bytes = new byte[(int) size];
            var buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) { }
            return Content.utf8(bytes, buffer.position()).orElseThrow(() -> FsErrors.binary(path));
        } catch (IOException e) {
            throw FsErrors.io("read", path, e);
        }
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    private static ActionException notFound(Path path, String text, String oldText) {
        var details = Json.object();
        var hint = "Call fs.read on " + path + " to copy the exact text, then retry fs.edit.";
        var best = ClosestMatch.find(text, oldText);
        if (best.isPresent()) {
            var m = best.get();
            details.putObject("closestMatch").put("line", m.line()).put("endLine", m.endLine())
                    .put("text", m.text()).put("similarity", Math.round(m.similarity() * 100) / 100.0);
            hint = "The most similar text is at line " + m.line() + " (see details.closestMatch); copy it exactly "
                    + "(call fs.read with startLine=" + m.line() + " endLine=" + m.endLine() + ") and retry fs.edit.";
        }
        return new ActionException(ErrorKind.CONFLICT, "edit_text_not_found",
                "oldText does not occur in " + path + ".", hint, details);
    }

    /** The line-aligned window of the file most like the text that was not found. */
    record ClosestMatch(int line, int endLine, String text, double similarity) {
        private static final int MAX_WINDOWS = 50_000;

        static Optional<ClosestMatch> find(String text, String wanted) {
            List<String> lines = List.of(text.split("\n", -1));
            var wantedLines = wanted.strip().split("\n", -1).length;
            var target = Bigrams.of(wanted.strip());
            ClosestMatch best = null;
            int windows = Math.min(lines.size(), MAX_WINDOWS);
            for (int i = 0; i < windows; i++) {
                int end = Math.min(lines.size(), i + wantedLines);
                var window = String.join("\n", lines.subList(i, end));
                double score = target.dice(Bigrams.of(window.strip()));
                if (best == null || score > best.similarity()) best = new ClosestMatch(i + 1, end, window, score);
            }
            return best == null || best.similarity() <= 0 ? Optional.empty() : Optional.of(best);
        }
    }

    /** Character-pair counts; the Dice coefficient of two of them says how alike two strings are. */
    private record Bigrams(java.util.Map<Integer, Integer> counts, int total) {
        static Bigrams of(String s) {
            var counts = new java.util.HashMap<Integer, Integer>();
            for (int i = 0; i + 1 < s.length(); i++) counts.merge((s.charAt(i) << 16) | s.charAt(i + 1), 1, Integer::sum);
            return new Bigrams(counts, Math.max(0, s.length() - 1));
        }

        double dice(Bigrams other) {
            if (total + other.total == 0) return 0;
            int common = 0;
            for (var e : counts.entrySet()) common += Math.min(e.getValue(), other.counts.getOrDefault(e.getKey(), 0));
            return 2.0 * common / (total + other.total);
        }
    }
}
