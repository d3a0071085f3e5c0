package dev.warden.actions.preview;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Assessment;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.guard.PathJail;
import dev.warden.preview.Preview;
import dev.warden.preview.PreviewStore;
import dev.warden.sandbox.FileChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code preview.commit}: applies exactly the changes a {@code shell.exec} preview listed to the
 * real files, through the journal, as one call with one undo id. Like any action it is validated,
 * assessed (a commit that deletes is high risk, as {@code fs.delete} is), decided by policy and
 * audited.
 */
public final class PreviewCommitAction implements Action {
    public static final String ID = "preview.commit";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Commit a preview",
            "Apply the file changes a shell.exec preview listed (created, modified, deleted) to the real files, all"
                    + " at once. Refuses if any of those files changed since the preview. The undoId of the result"
                    + " restores every file.",
            Risk.MEDIUM, Effects.REVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final PathJail jail;
    private final PreviewStore store;
    private final boolean root;

    public PreviewCommitAction(PathJail jail, PreviewStore store) {
        this.jail = jail;
        this.store = store;
        this.root = isRoot();
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    /** An empty preview commits nothing. */
    @Override
    public Risk lowestRisk() {
        return Risk.LOW;
    }

    @Override
    public Assessment assess(ActionContext ctx, JsonNode input) {
        var found = store.find(id(input)).filter(p -> p.status() == Preview.Status.PENDING);
        if (found.isEmpty()) {
            // The call will fail with the reason; until then it is judged as the action is declared.
            return new Assessment(SPEC.risk(), List.of("no pending preview " + id(input)));
        }
        var changes = found.get().changes();
        long created = count(changes, FileChange.Kind.CREATED);
        long modified = count(changes, FileChange.Kind.MODIFIED);
        long deleted = count(changes, FileChange.Kind.DELETED);
        var risk = deleted > 0 ? Risk.HIGH : modified > 0 ? Risk.MEDIUM : Risk.LOW;
        var reasons = new ArrayList<String>();
        reasons.add("commits " + changes.size() + " change(s) to real files: " + created + " created, " + modified
                + " modified, " + deleted + " deleted");
        return new Assessment(risk, reasons);
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var preview = store.claim(id(input));
        try {
            var result = new PreviewCommit(jail, ctx.journal(), root).apply(preview);
            store.committed(preview.id());
            return result;
        } catch (RuntimeException e) {
            store.release(preview.id());
            throw e;
        }
    }

    /** The changes that would be applied, after the same checks a commit makes; nothing is claimed or changed. */
    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        var preview = store.pending(id(input));
        new PreviewCommit(jail, ctx.journal(), root).check(preview);
        var node = PreviewCommit.report(preview, preview.changes());
        node.put("note", "Nothing was changed. Committing would apply these changes; the preview expires at "
                + preview.expiresAt() + ".");
        return Optional.of(node);
    }

    private static String id(JsonNode input) {
        return input.path("previewId").asString();
    }

    private static long count(List<FileChange> changes, FileChange.Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).count();
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
