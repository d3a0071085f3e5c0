package dev.warden.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class RedactorTest {
    final Redactor redactor = new Redactor();

    private JsonNode redact(String json) {
        return redactor.redact(Json.parse(json));
    }

    @Test
    void masksEveryValueOfAnEnvObjectButKeepsItsNames() {
        var out = redact("""
                {"argv": ["make"], "env": {"HOME": "/root", "DB_URL": "postgres://u:p@h/db", "EMPTY": null, "N": 3}}""");
        assertThat(out.get("env").properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("HOME", "DB_URL", "EMPTY", "N");
        assertThat(out.get("env").get("HOME").asString()).isEqualTo(Redactor.MASK);
        assertThat(out.get("env").get("N").asString()).isEqualTo(Redactor.MASK);
        assertThat(out.get("env").get("EMPTY").isNull()).isTrue();
        assertThat(out.get("argv").get(0).asString()).isEqualTo("make");
    }

    @Test
    void masksTheValuesOfAnEnvListAndAnEnvString() {
        var out = redact("""
                {"a": {"ENV": ["PATH=/usr/bin", "TOKEN=abc=def", 7]}, "b": {"environment": "X=1 Y=2"}}""");
        assertThat(out.get("a").get("ENV").toString())
                .isEqualTo("[\"PATH=[REDACTED]\",\"TOKEN=[REDACTED]\",\"[REDACTED]\"]");
        assertThat(out.get("b").get("environment").asString()).isEqualTo(Redactor.MASK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "access_token", "Password", "db_passwd", "client_secret", "apikey", "API_KEY",
            "x-api-key", "apiKey", "Authorization", "credentials", "private_key", "privateKey", "Set-Cookie", "cookie"})
    void masksTheWholeValueOfASecretLookingKey(String key) {
        var input = Json.object();
        input.put(key, "s3cr3t-value");
        input.putObject("nested").putObject("deeper").put(key, "s3cr3t-value");
        input.putArray("list").addObject().set(key, Json.parse("{\"id\": 1, \"value\": \"s3cr3t-value\"}"));
        var out = redactor.redact(input);
        assertThat(out.toString()).doesNotContain("s3cr3t-value");
        assertThat(out.get(key).asString()).isEqualTo(Redactor.MASK);
        assertThat(out.get("nested").get("deeper").get(key).asString()).isEqualTo(Redactor.MASK);
        assertThat(out.get("list").get(0).get(key).asString()).isEqualTo(Redactor.MASK);
    }

    @Test
    void leavesOrdinaryKeysAndValuesAlone() {
        var json = """
                {"path": "/etc/hosts", "depth": 2, "recursive": true, "pattern": "a=b", "nothing": null,
                 "list": [1, 2.5, "x"], "owner": {"name": "ann"}, "text": "the bearer of bad news"}""";
        assertThat(redact(json)).isEqualTo(Json.parse(json));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "curl -H 'Authorization: Bearer eyJhbGciOi.J9x-_y' https://api|curl -H 'Authorization: [REDACTED]' https://api",
        "token is Bearer abc123def456 ok|token is Bearer [REDACTED] ok",
        "bearer  ABCDEFGH12==|bearer [REDACTED]",
        "git clone https://ann:pa55word@github.com/x/y|git clone https://ann:[REDACTED]@github.com/x/y",
        "GITHUB_TOKEN=ghp_123 ./deploy.sh|GITHUB_TOKEN=[REDACTED] ./deploy.sh",
        "mysql --password=hunter2 db|mysql --password=[REDACTED] db",
        "tool --api-key 'k 1' --verbose|tool --api-key [REDACTED] --verbose",
        "https://x/cb?access_token=abc&page=2|https://x/cb?access_token=[REDACTED]&page=2",
        "export AWS_SECRET_ACCESS_KEY=\"a b\"|export AWS_SECRET_ACCESS_KEY=[REDACTED]",
    })
    void masksSecretsInsideStrings(String text, String expected) {
        assertThat(redactor.redactText(text)).isEqualTo(expected);
        var input = Json.object();
        input.put("command", text);
        assertThat(redactor.redact(input).get("command").asString()).isEqualTo(expected);
    }

    @Test
    void masksTheArgumentAfterASecretFlagInAnArgv() {
        var out = redact("""
                {"argv": ["psql", "--password", "hunter2", "-c", "select 1", "--token", 5]}""");
        assertThat(out.get("argv").toString())
                .isEqualTo("[\"psql\",\"--password\",\"[REDACTED]\",\"-c\",\"select 1\",\"--token\",5]");
    }

    @Test
    void isIdempotentAndLeavesItsInputUntouched() {
        var input = Json.parse("""
                {"password": "x", "cmd": "Bearer abcdefgh", "env": {"A": "b"}}""");
        var before = input.deepCopy();
        var once = redactor.redact(input);
        assertThat(redactor.redact(once)).isEqualTo(once);
        assertThat(input).isEqualTo(before);
    }

    @Test
    void handlesNullAndScalars() {
        assertThat(redactor.redact(null).isNull()).isTrue();
        assertThat(redactor.redact(Json.parse("42")).asInt()).isEqualTo(42);
        assertThat(redactor.redact(Json.parse("\"Bearer abcdefgh\"")).asString()).isEqualTo("Bearer [REDACTED]");
    }
}
