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
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** {@code memory.remember}: keeps one fact for the caller's later sessions in this project. */
final class MemoryRememberAction implements Action {
    static final String ID = "memory.remember";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "Remember a fact",
            "Keep a short fact the user wants remembered in later sessions of this project (a preference, a path,"
                    + " something to avoid). Only this user sees it. Remembering the same text twice keeps one fact.",
            Risk.LOW, Effects.REVERSIBLE, Schemas.input(ID), Schemas.output(ID), true, false);

    private final MemoryStore store;

    MemoryRememberAction(MemoryStore store) {
        this.store = store;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var text = text(input);
        var caller = ctx.caller();
        try {
            var stored = store.remember(caller.name(), caller.project(), text, caller.id());
            var out = stored.fact().toJson();
            out.put("existing", stored.existing());
            out.put("count", store.count(caller.name(), caller.project()));
            out.put("hint", "memory.forget with this id takes it back.");
            return out;
        } catch (MemoryStore.Full e) {
            throw new ActionException(ErrorKind.CONFLICT, "memory_full", e.getMessage(),
                    "List them with memory.list and forget some with memory.forget first.");
        }
    }

    @Override
    public Optional<JsonNode> simulate(ActionContext ctx, JsonNode input) {
        var text = text(input);
        var caller = ctx.caller();
        boolean existing = store.list(caller.name(), caller.project(), text, MemoryStore.MAX_FACTS).stream()
                .anyMatch(f -> f.text().equals(text));
        return Optional.of(Json.object().put("fact", text).put("existing", existing)
                .put("count", store.count(caller.name(), caller.project())));
    }

    /** The fact with outer white space removed; blank is bad input even though the schema let it pass. */
    private static String text(JsonNode input) {
        var text = input.path("fact").asString("").strip();
        if (text.isEmpty()) {
            throw new ActionException(ErrorKind.BAD_INPUT, "invalid_input", "fact is blank.",
                    "Send the fact as a short sentence, e.g. {\"fact\": \"Deploys go through make deploy\"}.");
        }
        return text;
    }
}
