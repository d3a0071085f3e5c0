package dev.warden.actions.shell;

import dev.warden.action.CallObserver;
import dev.warden.actions.fs.TextDiff;
import dev.warden.preview.PreviewStore;
import dev.warden.sandbox.FileChange;
import dev.warden.sandbox.ProcessSpec;
import dev.warden.sandbox.Sandboxes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * {@code shell.exec} at the {@code preview} level: runs the command against overlays of the roots
 * in a fresh preview directory, stores what it changed, and answers the command's output with the
 * preview's id, expiry and every change (a unified diff for text). A run that fails or is
 * cancelled leaves no preview behind.
 */
final class ShellPreview {
    /** Changes listed in one answer; all of them are stored and committed. */
    static final int MAX_LISTED = 1000;
    /** Text files up to this size get a diff. */
    private static final long MAX_DIFF_FILE = 256 * 1024;
    /** Diffs stop being added once the answer holds this many characters of them. */
    private static final int MAX_DIFF_CHARS = 256 * 1024;

    private final Sandboxes sandboxes;
    private final PreviewStore store;

    ShellPreview(Sandboxes sandboxes, PreviewStore store) {
        this.sandboxes = sandboxes;
        this.store = store;
    }

    JsonNode run(ProcessSpec spec, CallObserver observer) {
        var pending = store.open();
        try {
            var run = sandboxes.startPreview(spec, pending.dir());
            var result = ShellExecAction.await(run.process(), observer, spec);
            var changes = run.changes();
            var preview = store.save(pending, changes, sandboxes.settings().previewTtl());
            var node = ShellExecAction.output(result, spec);
            node.put("previewId", preview.id());
            node.put("expiresAt", preview.expiresAt().toString());
            node.put("changeCount", changes.size());
            var list = node.putArray("changes");
            int diffChars = 0;
            for (var change : changes.subList(0, Math.min(changes.size(), MAX_LISTED))) {
                var entry = list.addObject().put("path", change.path().toString()).put("kind", change.kind().id())
                        .put("type", change.type().id());
                if (diffChars < MAX_DIFF_CHARS) {
                    var diff = diff(change);
                    if (diff != null && !diff.isEmpty()) {
                        entry.put("diff", diff);
                        diffChars += diff.length();
                    }
                }
            }
            var note = (node.has("note") ? node.get("note").asString() + " " : "")
                    + (changes.isEmpty() ? "The command changed no files." : "Nothing real was changed. Commit the "
                    + changes.size() + " change(s) with preview.commit {\"previewId\": \"" + preview.id() + "\"} (POST /v1/previews/"
                    + preview.id() + "/commit) before " + preview.expiresAt() + ", or drop them with preview.discard.")
                    + (changes.size() > MAX_LISTED ? " Only the first " + MAX_LISTED + " changes are listed." : "");
            node.put("note", note);
            return node;
        } catch (RuntimeException e) {
            store.drop(pending);
            throw e;
        }
    }

    /** A unified diff for a text file that was created or modified, else null. */
    private static String diff(FileChange change) {
        if (change.type() != FileChange.Type.FILE || change.kind() == FileChange.Kind.DELETED) return null;
        var after = text(change.source());
        if (after == null) return null;
        var before = change.kind() == FileChange.Kind.CREATED ? "" : text(change.path());
        if (before == null) return null;
        return TextDiff.unified(change.path().toString(), before, after);
    }

    /** The file as UTF-8 text; null when it is too big, binary (has NUL bytes) or not UTF-8. */
    private static String text(Path file) {
        try {
            if (Files.size(file) > MAX_DIFF_FILE) return null;
            var bytes = Files.readAllBytes(file);
            for (var b : bytes) if (b == 0) return null;
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
