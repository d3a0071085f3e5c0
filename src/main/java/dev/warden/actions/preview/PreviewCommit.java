package dev.warden.actions.preview;

import dev.warden.action.ActionException;
import dev.warden.action.ChangeJournal;
import dev.warden.action.ErrorKind;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import dev.warden.preview.Preview;
import dev.warden.sandbox.FileChange;
import dev.warden.sandbox.FileState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies a preview's changes to the real files through the journal, so that one undo entry takes
 * them all back:
 *
 * <ol>
 *   <li>every path is claimed, and every path must still be as the preview found it (its
 *       {@link FileState}), inside the roots, with its new content still in the overlay; otherwise
 *       nothing is changed ({@code preview_conflict});</li>
 *   <li>deletions go to the journal's trash (a deleted directory once, with everything in it);</li>
 *   <li>a modified path goes to the trash too and its new version is written in its place, so undo
 *       puts back the very file that was there; created paths are written, directories first.</li>
 * </ol>
 *
 * If writing fails half way, what this commit wrote is removed again and the failure propagates;
 * the engine then abandons the journal record, which moves the trashed originals back.
 */
final class PreviewCommit {
    private final PathJail jail;
    private final ChangeJournal journal;
    private final boolean root;

    PreviewCommit(PathJail jail, ChangeJournal journal, boolean root) {
        this.jail = jail;
        this.journal = journal;
        this.root = root;
    }

    ObjectNode apply(Preview preview) {
        var changes = preview.changes();
        changes.stream().map(FileChange::path).distinct().sorted().forEach(journal::claim);
        check(preview);
        var applied = new ArrayList<FileChange>();
        var written = new ArrayList<Path>();
        try {
            var trashed = new HashSet<Path>();
            for (var change : changes) {
                if (change.kind() != FileChange.Kind.DELETED) continue;
                if (!coveredBy(trashed, change.path())) {
                    placeOf(change.path());
                    journal.trash(change.path());
                    trashed.add(change.path());
                }
                applied.add(change);
            }
            for (var change : changes) {
                if (change.kind() == FileChange.Kind.DELETED) continue;
                placeOf(change.path());
                if (change.kind() == FileChange.Kind.MODIFIED) journal.trash(change.path());
                write(change);
                written.add(change.path());
                journal.created(change.path());
                applied.add(change);
            }
        } catch (IOException | RuntimeException e) {
            for (int i = written.size() - 1; i >= 0; i--) removeQuietly(written.get(i));
            if (e instanceof ActionException ae) throw ae;
            throw new ActionException(ErrorKind.INTERNAL, "preview_commit_failed",
                    "Committing preview " + preview.id() + " failed at " + (applied.size() < changes.size()
                            ? changes.get(Math.min(applied.size(), changes.size() - 1)).path() : "the end") + ": " + e.getMessage()
                            + ". Nothing was changed: what was written is removed and the trashed files are put back.",
                    "Fix the cause (permissions, free space) and commit again; the preview stays pending until it expires.",
                    null, e);
        }
        return report(preview, applied);
    }

    /** Everything that must hold before the first change is made. */
    void check(Preview preview) {
        var expected = new LinkedHashMap<Path, FileChange>();
        for (var change : preview.changes()) expected.putIfAbsent(change.path(), change);
        for (var change : preview.changes()) {
            if (!jail.inside(change.path())) {
                throw new ActionException(ErrorKind.REFUSED, "path_outside_roots",
                        change.path() + " is no longer inside the allowed roots.",
                        "The roots changed since the preview; run the command again with sandbox 'preview'.",
                        Json.object().put("path", change.path().toString()));
            }
            // The sandbox hides the data dir, but a policy or config file inside a root is only read-only
            // to the command if Warden's own files are; the commit must never write them.
            jail.refuseIfHoldsProtected(change.path());
            if (change.kind() != FileChange.Kind.DELETED && change.type() == FileChange.Type.OTHER) {
                throw new ActionException(ErrorKind.CONFLICT, "preview_unsupported",
                        "The preview created a special file (device, pipe or socket) at " + change.path()
                                + ", which a commit does not make.",
                        "Discard the preview, or run the command without a preview.",
                        Json.object().put("path", change.path().toString()));
            }
            if (change.source() != null && !Files.exists(change.source(), LinkOption.NOFOLLOW_LINKS)) {
                throw new ActionException(ErrorKind.CONFLICT, "preview_incomplete",
                        "The new content of " + change.path() + " is gone from the preview's directory.",
                        "Run the command again with sandbox 'preview'.", Json.object().put("path", change.path().toString()));
            }
        }
        for (var first : expected.values()) {
            var tree = first.kind() == FileChange.Kind.DELETED && first.type() == FileChange.Type.DIRECTORY;
            var actual = FileState.of(first.path(), tree);
            if (!actual.equals(first.baseState())) {
                throw new ActionException(ErrorKind.CONFLICT, "preview_conflict",
                        first.path() + " changed after the preview ran" + (actual.equals(FileState.ABSENT) ? " (it no longer exists)"
                                : first.baseState().equals(FileState.ABSENT) ? " (something now exists there)" : "")
                                + "; committing would overwrite that change, so nothing was committed.",
                        "Run the command again with sandbox 'preview' to see its changes against the files as they are now.",
                        Json.object().put("path", first.path().toString()).put("expected", first.baseState()).put("actual", actual));
            }
        }
    }

    private void write(FileChange change) throws IOException {
        var path = change.path();
        var source = change.source();
        switch (change.type()) {
            case DIRECTORY -> {
                Files.createDirectory(path);
                Files.setPosixFilePermissions(path, Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS));
            }
            case FILE -> Files.copy(source, path, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            case SYMLINK -> Files.createSymbolicLink(path, Files.readSymbolicLink(source));
            case OTHER -> throw new IllegalStateException("checked before");
        }
        if (root) {
            // The owner the command's files had in the preview (the root's owner, or nobody), not Warden's.
            Files.setAttribute(path, "unix:uid", Files.getAttribute(source, "unix:uid", LinkOption.NOFOLLOW_LINKS), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", Files.getAttribute(source, "unix:gid", LinkOption.NOFOLLOW_LINKS), LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Fails unless the parent of {@code path} still resolves, without symlinks in the way, inside the roots. */
    private void placeOf(Path path) {
        var parent = path.getParent();
        if (parent != null && Files.exists(parent, LinkOption.NOFOLLOW_LINKS) && !jail.recheck(parent).equals(parent)) {
            throw new ActionException(ErrorKind.CONFLICT, "preview_conflict",
                    "A symbolic link now stands in the path of " + path + "; nothing was committed.",
                    "Check the directories with fs.stat, then run the command again with sandbox 'preview'.",
                    Json.object().put("path", path.toString()));
        }
    }

    private static boolean coveredBy(Set<Path> trashed, Path path) {
        for (var p = path.getParent(); p != null; p = p.getParent()) {
            if (trashed.contains(p)) return true;
        }
        return false;
    }

    private static void removeQuietly(Path path) {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                try (var children = Files.list(path)) {
                    for (var child : children.toList()) removeQuietly(child);
                }
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Best effort: the error that stopped the commit is the one to report.
        }
    }

    static ObjectNode report(Preview preview, List<FileChange> applied) {
        var node = Json.object().put("previewId", preview.id());
        node.put("created", applied.stream().filter(c -> c.kind() == FileChange.Kind.CREATED).count());
        node.put("modified", applied.stream().filter(c -> c.kind() == FileChange.Kind.MODIFIED).count());
        node.put("deleted", applied.stream().filter(c -> c.kind() == FileChange.Kind.DELETED).count());
        var list = node.putArray("applied");
        applied.forEach(c -> list.addObject().put("path", c.path().toString()).put("kind", c.kind().id()).put("type", c.type().id()));
        return node;
    }
}
