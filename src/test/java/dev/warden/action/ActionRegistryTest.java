package dev.warden.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ActionRegistryTest {

    private static Action action(String id) {
        var spec = new ActionSpec(id, 1, id, "test action " + id, Risk.READ, Effects.NONE, Json.object(), Json.object(),
                true, false);
        return new Action() {
            @Override
            public ActionSpec spec() {
                return spec;
            }

            @Override
            public JsonNode execute(ActionContext ctx, JsonNode input) {
                return Json.object();
            }
        };
    }

    @Test
    void aToolNameFindsItsActionUnderEitherSpellingAndNothingElse() {
        var registry = new ActionRegistry(List.of(action("fs.read"), action("job_list")));
        assertThat(ActionRegistry.toolName("fs.read")).isEqualTo("fs_read");
        assertThat(registry.findByToolName("fs_read").map(a -> a.spec().id())).contains("fs.read");
        assertThat(registry.findByToolName("fs.read").map(a -> a.spec().id())).contains("fs.read");
        assertThat(registry.findByToolName("job_list").map(a -> a.spec().id())).contains("job_list");
        assertThat(registry.findByToolName("fs-read")).isEmpty();
        assertThat(registry.findByToolName("fs_write")).isEmpty();
    }

    @Test
    void twoIdsThatOneToolNameWouldConfuseAreRefused() {
        assertThatThrownBy(() -> new ActionRegistry(List.of(action("fs.read"), action("fs_read"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fs_read").hasMessageContaining("both");
    }
}
