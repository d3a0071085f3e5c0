package dev.warden.actions.journal;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import tools.jackson.databind.JsonNode;

/** {@code journal.undo}: take back a previous call by the undo id its result carried. */
public final class UndoAction implements Action {
    private final ActionSpec spec = new ActionSpec("journal.undo", 1, "Undo a previous action",
            "Undo an earlier change (fs.write, fs.edit, fs.move, fs.copy, fs.delete, fs.mkdir, ...) by the undoId its "
                    + "result returned. Refuses if the files changed again since. Returns the undoId and the restored "
                    + "paths with what was done to each.",
            Risk.MEDIUM, Effects.REVERSIBLE, Schemas.input("journal.undo"), Schemas.output("journal.undo"), false, false);

    @Override
    public ActionSpec spec() {
        return spec;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        return ctx.journal().undo(input.path("undoId").asString());
    }
}
