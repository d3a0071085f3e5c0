package dev.warden.actions.memory;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionException;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.ErrorKind;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.json.Json;
import dev.warden.memory.MemoryStore;
import tools.jackson.databind.JsonNode;

/** {@code memory.forget}: removes one of the caller's facts by id. */
final class MemoryForgetAction implements Action {
    static final String ID = "memory.forget";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Forget a fact",
            "Remove one remembered fact by its id (memory.list shows them). The answer has the text, so it can be"
                    + " remembered again.",
            Risk.LOW, Effects.IRREVERSIBLE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final MemoryStore store;

    MemoryForgetAction(MemoryStore store) {
        this.store = store;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var caller = ctx.caller();
        var id = input.path("id").asString();
        // Another user's id is "not found" too: whether it exists is not the caller's business.
        var fact = store.forget(caller.name(), caller.project(), id).orElseThrow(() -> new ActionException(ErrorKind.NOT_FOUND,
                "fact_not_found", "You have no remembered fact " + id + " in project " + caller.project() + ".",
                "memory.list shows your facts and their ids."));
        return Json.object().set("forgotten", fact.toJson());
    }
}
