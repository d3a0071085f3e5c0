package dev.warden.actions.sys;

import dev.warden.action.Action;
import dev.warden.action.ActionContext;
import dev.warden.action.ActionSpec;
import dev.warden.action.Effects;
import dev.warden.action.Risk;
import dev.warden.action.Schemas;
import dev.warden.json.Json;
import dev.warden.system.ProcessQuery;
import dev.warden.system.ProcessTable;
import tools.jackson.databind.JsonNode;

/** {@code proc.list}: the machine's processes, filtered, sorted and paged. */
final class ProcListAction implements Action {
    static final String ID = "proc.list";

    private static final ActionSpec SPEC = new ActionSpec(ID, 1, "List processes",
            "List processes, busiest first by default. Filter by name glob, user or command-line text; sort by cpu,"
                    + " memory, pid, name or started; page with offset and limit. cpuPercent is per core (100 = one core).",
            Risk.READ, Effects.NONE, Schemas.input(ID), Schemas.output(ID), false, false);

    private final ProcessTable processes;

    ProcListAction(ProcessTable processes) {
        this.processes = processes;
    }

    @Override
    public ActionSpec spec() {
        return SPEC;
    }

    @Override
    public JsonNode execute(ActionContext ctx, JsonNode input) {
        var sort = ProcessQuery.Sort.of(input.path("sort").asString("cpu"));
        var descending = input.has("order") ? "desc".equals(input.get("order").asString()) : sort.descendingByDefault();
        int offset = input.path("offset").asInt(0);
        int limit = input.path("limit").asInt(25);
        var query = new ProcessQuery(text(input, "name"), text(input, "user"), text(input, "command"), sort, descending,
                offset, limit);
        var page = processes.list(query);
        var node = Json.object();
        node.put("total", page.total());
        node.put("offset", offset);
        if (offset + page.processes().size() < page.total()) node.put("nextOffset", offset + page.processes().size());
        node.put("sort", sort.name().toLowerCase(java.util.Locale.ROOT));
        node.put("order", descending ? "desc" : "asc");
        var list = node.putArray("processes");
        page.processes().forEach(list::add);
        return node;
    }

    private static String text(JsonNode input, String field) {
        return input.has(field) ? input.get(field).asString() : null;
    }
}
