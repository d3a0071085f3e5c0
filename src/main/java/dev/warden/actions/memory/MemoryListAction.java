package dev.warden.actions.memory;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.json.Json;
import dev.warden.memory.MemoryStore;
import tools.jackson.databind.JsonNode;

/** {@code memory.list}: the caller's facts in this project, oldest first. */
final class MemoryListAction implements Action {
    static final String ID = "memory.list";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "List remembered facts",
            "List the facts you asked to be remembered in this project, oldest first, optionally only those containing"
                    + " some text.",
            Risk.READ, Effects.NONE, Schemas.input(ID), Schemas.output(ID), true, false);

    private final MemoryStore store;

    MemoryListAction(MemoryStore store) {
        this.store = store;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var caller = ctx.caller();
        var contains = input.has("contains") ? input.get("contains").asString() : null;
        var facts = store.list(caller.name(), caller.project(), contains, input.path("limit").asInt(MemoryStore.MAX_FACTS));
        var out = Json.object();
        var list = out.putArray("facts");
        facts.forEach(f -> list.add(f.toJson()));
        out.put("count", store.count(caller.name(), caller.project()));
        out.put("max", MemoryStore.MAX_FACTS);
        return out;
    }
}
