package dev.warden.actions.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.action.Action;
import dev.warden.action.ActionRegistry;
import dev.warden.action.InputValidator;
import dev.warden.action.Risk;
import dev.warden.actions.journal.UndoAction;
import dev.warden.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileActionSchemasTest {
    @TempDir Path tmp;
    FsFixture fx;
    List<Action> actions;
    InputValidator validator;

    @BeforeEach
    void setUp() {
        fx = new FsFixture(tmp);
        actions = new ArrayList<>(FileActions.all(fx.jail));
        actions.add(new UndoAction());
        validator = new InputValidator(new ActionRegistry(actions));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void everyActionHasTheContractedIdAndACompleteSpec() {
        assertThat(actions).extracting(a -> a.spec().id()).containsExactlyInAnyOrder("fs.read", "fs.write", "fs.edit",
                "fs.list", "fs.stat", "fs.search", "fs.move", "fs.copy", "fs.delete", "fs.mkdir", "journal.undo");
        for (var action : actions) {
            var spec = action.spec();
            assertThat(spec.version()).isEqualTo(1);
            assertThat(spec.description()).hasSizeLessThan(300);
            var schema = spec.inputSchema();
            assertThat(schema.path("$schema").asString()).as(spec.id()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.path("additionalProperties").asBoolean(true)).as(spec.id()).isFalse();
            schema.path("properties").properties().forEach(p ->
                    assertThat(p.getValue().path("description").asString()).as(spec.id() + "." + p.getKey()).isNotBlank());
            assertThat(spec.outputSchema().path("type").asString()).isEqualTo("object");
        }
        assertThat(find("fs.delete").spec().risk()).isEqualTo(Risk.HIGH);
        assertThat(find("fs.read").spec().readOnly()).isTrue();
        assertThat(find("fs.write").spec().destructive()).isTrue();
    }

    private Action find(String id) {
        return actions.stream().filter(a -> a.spec().id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * The field a violation points at. The validator currently renders locations as JSON Pointers
     * ("/content") for type errors and as ".encoding" for unknown fields; the field name is what
     * these schemas are responsible for.
     */
    private static String field(InputValidator.Violation v) {
        return v.path().replaceFirst("^\\$", "").replaceFirst("^[./]", "");
    }

    @Test
    void unknownFieldsAreRejectedWithTheirPath() {
        var errors = validator.validate("fs.read", Json.parse("{\"path\":\"a\",\"encoding\":\"utf-8\"}"));
        assertThat(errors).extracting(FileActionSchemasTest::field).containsExactly("encoding");
        assertThat(errors.getFirst().message()).contains("unknown field");
    }

    @Test
    void wrongTypesAndMissingFieldsAreRejected() {
        var errors = validator.validate("fs.write", Json.parse("{\"path\":\"a\",\"content\":5,\"createOnly\":\"yes\"}"));
        assertThat(errors).extracting(FileActionSchemasTest::field).containsExactlyInAnyOrder("content", "createOnly");
        assertThat(validator.validate("fs.edit", Json.parse("{\"path\":\"a\",\"oldText\":\"\",\"newText\":\"b\"}")))
                .extracting(FileActionSchemasTest::field).containsExactly("oldText");
        assertThat(validator.validate("fs.list", Json.parse("{\"path\":\"a\",\"depth\":11,\"limit\":0}")))
                .extracting(FileActionSchemasTest::field).containsExactlyInAnyOrder("depth", "limit");
        assertThat(validator.validate("fs.move", Json.parse("{\"from\":\"a\"}"))).isNotEmpty();
        assertThat(validator.validate("journal.undo", Json.parse("{\"undoId\":\"DROP TABLE\"}")))
                .extracting(FileActionSchemasTest::field).containsExactly("undoId");
    }

    @Test
    void searchNeedsANameOrAContentPattern() {
        assertThat(validator.validate("fs.search", Json.parse("{\"path\":\".\"}"))).isNotEmpty();
        assertThat(validator.validate("fs.search", Json.parse("{\"path\":\".\",\"name\":\"*.md\"}"))).isEmpty();
    }

    @Test
    void validInputsPass() {
        assertThat(validator.validate("fs.read", Json.parse("{\"path\":\"a\",\"startLine\":1,\"endLine\":9}"))).isEmpty();
        assertThat(validator.validate("fs.move", Json.parse("{\"from\":\"a\",\"to\":\"b\",\"overwrite\":true}"))).isEmpty();
        assertThat(validator.validate("journal.undo", Json.parse("{\"undoId\":\"u_abcdefgh2345\"}"))).isEmpty();
    }
}
