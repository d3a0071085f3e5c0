package dev.warden.actions.preview;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.json.Json;
import dev.warden.preview.PreviewStore;
import tools.jackson.databind.JsonNode;

/** {@code preview.discard}: drops a preview's changes. No real file was ever touched, so nothing else changes. */
public final class PreviewDiscardAction implements Action {
    public static final String ID = "preview.discard";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Discard a preview",
            "Drop the file changes a shell.exec preview listed; the real files were never touched and stay as they are."
                    + " The preview can no longer be committed.",
            Risk.LOW, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final PreviewStore store;

    public PreviewDiscardAction(PreviewStore store) {
        this.store = store;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var preview = store.discard(input.path("previewId").asString());
        return Json.object().put("previewId", preview.id()).put("status", "discarded").put("discarded", preview.changes().size());
    }
}
