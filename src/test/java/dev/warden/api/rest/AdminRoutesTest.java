package dev.warden.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.identity.Members;
import dev.warden.identity.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code /v1/admin}: users, projects, members and tokens, for admins only, never reachable as an action. */
class AdminRoutesTest {
    static final String ADMIN = RestFixture.ADMIN;

    @TempDir
    Path temp;

    RestFixture w;

    @BeforeEach
    void start() throws Exception {
        w = new RestFixture(temp, null, 1_048_576);
        Files.writeString(w.root.resolve("a.txt"), "alpha\n");
    }

    @AfterEach
    void stop() {
        w.close();
    }

    private static void assertProblem(RestFixture.Answer a, int status, String code) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(status);
        assertThat(a.contentType()).startsWith("application/problem+json");
        assertThat(a.body().path("code").asString()).as(a.body().toString()).isEqualTo(code);
        assertThat(a.body().path("hint").asString()).isNotBlank();
    }

    private static List<String> names(JsonNode list, String field) {
        return list.valueStream().map(n -> n.path(field).asString()).toList();
    }

    private String tokenFor(String user, String project, Role role) {
        return w.warden.tokens().create("t", user, project, role, null, List.of()).secret();
    }

    @Test
    void aSystemAdminCreatesAUserAProjectAMembershipAndATokenThatWorksOnceShownAndStopsWhenRevoked() throws Exception {
        var user = w.post("/v1/admin/users", ADMIN, "{\"name\":\"carol\",\"password\":\"correct horse\"}");
        assertThat(user.status()).as(user.body().toString()).isEqualTo(201);
        assertThat(user.body().path("hasPassword").asBoolean()).isTrue();
        assertThat(user.body().toString()).doesNotContain("correct horse").doesNotContain("argon2");
        assertThat(w.warden.users().verifyPassword("carol", "correct horse")).isTrue();
        assertThat(names(w.get("/v1/admin/users", ADMIN).body().path("users"), "name")).contains("admin", "carol", "olivia");

        assertThat(w.post("/v1/admin/projects", ADMIN, "{\"name\":\"web\"}").status()).isEqualTo(201);
        assertThat(names(w.get("/v1/admin/projects", ADMIN).body().path("projects"), "name")).containsExactly("default", "web");
        var member = w.post("/v1/admin/projects/web/members", ADMIN, "{\"user\":\"carol\",\"role\":\"operator\"}");
        assertThat(member.status()).isEqualTo(200);
        assertThat(w.get("/v1/admin/projects/web/members", ADMIN).body().path("members").get(0).path("role").asString())
                .isEqualTo("operator");

        assertProblem(w.post("/v1/admin/tokens", ADMIN, "{\"user\":\"carol\",\"project\":\"web\",\"role\":\"admin\"}"),
                403, "role_exceeds_membership");
        var created = w.post("/v1/admin/tokens", ADMIN,
                "{\"user\":\"carol\",\"project\":\"web\",\"role\":\"operator\",\"expires\":\"1h\",\"actions\":[\"fs.*\"]}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        var secret = created.body().path("secret").asString();
        var id = created.body().path("token").path("id").asString();
        assertThat(secret).startsWith("wdn_");
        assertThat(created.body().path("token").path("expiresAt").asString()).isNotBlank();

        assertThat(w.post("/v1/actions/fs.read", secret, "{\"path\":\"a.txt\"}").status()).isEqualTo(200);
        assertProblem(w.post("/v1/actions/shell.exec", secret, "{\"command\":\"ls\"}"), 403, "action_not_permitted");

        var listed = w.get("/v1/admin/tokens?project=web", ADMIN);
        assertThat(listed.raw().body()).doesNotContain(secret);
        assertThat(names(listed.body().path("tokens"), "id")).containsExactly(id);
        // Last use is written in the background, each write waiting for its sync to disk: give a
        // loaded machine time (the loop ends as soon as it is there).
        var deadline = System.nanoTime() + 15_000_000_000L;
        while (w.get("/v1/admin/tokens?project=web", ADMIN).body().path("tokens").get(0).path("lastUsedAt").isNull()
                && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(w.get("/v1/admin/tokens?project=web", ADMIN).body().path("tokens").get(0).path("lastUsedAt").isNull())
                .as("last used is recorded").isFalse();

        var revoked = w.post("/v1/admin/tokens/" + id + "/revoke", ADMIN, "");
        assertThat(revoked.body().path("state").asString()).isEqualTo("revoked");
        assertProblem(w.post("/v1/actions/fs.read", secret, "{\"path\":\"a.txt\"}"), 401, "invalid_token");
        assertProblem(w.post("/v1/admin/tokens/" + id + "/revoke", ADMIN, ""), 409, "token_already_revoked");
        assertProblem(w.post("/v1/admin/tokens/tok_nope/revoke", ADMIN, ""), 404, "token_not_found");

        // Every change is in the audit trail, as the admin, without the password or the secret.
        var audit = w.get("/v1/audit?limit=1000", ADMIN);
        var actions = audit.body().path("records").valueStream()
                .filter(r -> r.path("action").asString().startsWith("admin."))
                .map(r -> r.path("action").asString() + ":" + r.path("outcome").asString()).toList();
        assertThat(actions).containsSubsequence("admin.user.create:done", "admin.project.create:done", "admin.member.put:done",
                "admin.token.create:denied", "admin.token.create:done", "admin.token.revoke:done", "admin.token.revoke:failed");
        assertThat(audit.raw().body()).doesNotContain("correct horse").doesNotContain(secret);
    }

    @Test
    void operatorsViewersAndNarrowedAdminTokensGet403OnEveryAdminRouteAndChangeNothing() {
        Members.add(w.warden.users(), w.warden.projects(), "default", "nadia", Role.ADMIN);
        var narrowed = w.warden.tokens().create("n", "admin", "default", Role.ADMIN, null, List.of("fs.*")).secret();
        var routes = List.of(
                new String[] {"GET", "/v1/admin/users", ""},
                new String[] {"POST", "/v1/admin/users", "{\"name\":\"mallory\",\"systemAdmin\":true}"},
                new String[] {"POST", "/v1/admin/users/olivia/disable", ""},
                new String[] {"GET", "/v1/admin/projects", ""},
                new String[] {"POST", "/v1/admin/projects", "{\"name\":\"evil\"}"},
                new String[] {"POST", "/v1/admin/projects/default/state", "{\"state\":\"archived\"}"},
                new String[] {"GET", "/v1/admin/projects/default/members", ""},
                new String[] {"POST", "/v1/admin/projects/default/members", "{\"user\":\"olivia\",\"role\":\"admin\"}"},
                new String[] {"DELETE", "/v1/admin/projects/default/members/nadia", ""},
                new String[] {"GET", "/v1/admin/tokens", ""},
                new String[] {"POST", "/v1/admin/tokens", "{\"role\":\"operator\"}"},
                new String[] {"POST", "/v1/admin/tokens/tok_whatever/revoke", ""});
        for (var token : List.of(w.operatorToken, w.viewerToken, narrowed)) {
            for (var r : routes) {
                var answer = switch (r[0]) {
                    case "GET" -> w.get(r[1], token);
                    case "DELETE" -> w.delete(r[1], token);
                    default -> w.post(r[1], token, r[2]);
                };
                assertThat(answer.status()).as(r[0] + " " + r[1] + " " + answer.body()).isEqualTo(403);
                assertThat(answer.body().path("code").asString()).isEqualTo("admin_required");
            }
        }
        assertThat(w.warden.users().find("mallory")).isEmpty();
        assertThat(w.warden.projects().find("evil")).isEmpty();
        assertThat(w.warden.projects().member("default", "olivia").orElseThrow().role()).isEqualTo(Role.OPERATOR);
        assertThat(w.warden.projects().member("default", "nadia")).isPresent();
        assertThat(w.warden.users().get("olivia").enabled()).isTrue();
        // And without a token at all, the admin API is not there for anyone.
        assertProblem(w.get("/v1/admin/users", null), 401, "unauthenticated");
    }

    @Test
    void noActionAnAgentCanCallTouchesIdentityRolesTokensOrPolicy() {
        var ids = w.warden.engine().registry().all().stream().map(a -> a.spec().id()).toList();
        assertThat(ids).isNotEmpty();
        for (var prefix : List.of("user", "project", "token", "policy", "admin", "identity", "member", "role")) {
            assertThat(ids).as("no action in the %s domain", prefix).noneMatch(id -> id.startsWith(prefix));
        }
        var openapi = w.get("/openapi.json", w.operatorToken).body();
        assertThat(openapi.path("paths").propertyNames()).noneMatch(p -> p.startsWith("/v1/admin"));
        assertThat(w.get("/v1/actions", w.operatorToken).body().path("actions").valueStream()
                .map(a -> a.path("id").asString())).noneMatch(id -> id.startsWith("admin"));
    }

    @Test
    void aProjectAdminManagesTheirOwnProjectsMembersAndTheirOwnTokensOnly() {
        w.warden.projects().create("web");
        Members.add(w.warden.users(), w.warden.projects(), "web", "pat", Role.ADMIN);
        Members.add(w.warden.users(), w.warden.projects(), "web", "carol", Role.OPERATOR);
        var pat = tokenFor("pat", "web", Role.ADMIN);

        assertThat(w.post("/v1/admin/projects/web/members", pat, "{\"user\":\"olivia\",\"role\":\"viewer\"}").status()).isEqualTo(200);
        assertThat(names(w.get("/v1/admin/projects/web/members", pat).body().path("members"), "user"))
                .containsExactly("carol", "olivia", "pat");
        assertProblem(w.post("/v1/admin/projects/default/members", pat, "{\"user\":\"pat\",\"role\":\"admin\"}"), 403, "admin_required");
        assertProblem(w.get("/v1/admin/projects/default/members", pat), 403, "admin_required");
        assertProblem(w.post("/v1/admin/users", pat, "{\"name\":\"pal\"}"), 403, "admin_required");
        assertProblem(w.post("/v1/admin/projects/web/state", pat, "{\"state\":\"active\"}"), 403, "admin_required");
        assertThat(names(w.get("/v1/admin/projects", pat).body().path("projects"), "name")).containsExactly("web");

        var own = w.post("/v1/admin/tokens", pat, "{\"role\":\"operator\",\"actions\":[\"fs.read\"]}");
        assertThat(own.status()).as(own.body().toString()).isEqualTo(201);
        assertThat(own.body().path("token").path("user").asString()).isEqualTo("pat");
        assertThat(own.body().path("token").path("project").asString()).isEqualTo("web");
        assertProblem(w.post("/v1/admin/tokens", pat, "{\"user\":\"carol\",\"role\":\"operator\"}"), 403, "token_for_other_user");
        assertProblem(w.post("/v1/admin/tokens", pat, "{\"project\":\"default\",\"role\":\"viewer\"}"), 403, "admin_required");

        assertThat(w.get("/v1/admin/tokens", pat).body().path("tokens").valueStream().map(t -> t.path("project").asString()))
                .containsOnly("web");
        var oliviaToken = w.warden.tokens().list().stream().filter(t -> t.user().equals("olivia")).findFirst().orElseThrow();
        assertProblem(w.post("/v1/admin/tokens/" + oliviaToken.id() + "/revoke", pat, ""), 403, "admin_required");
        var carolToken = w.warden.tokens().create("c", "carol", "web", Role.OPERATOR, null, List.of()).info().id();
        assertThat(w.post("/v1/admin/tokens/" + carolToken + "/revoke", pat, "").status()).isEqualTo(200);
    }

    @Test
    void stateMembershipAndDisablingTakeEffectOnTheNextRequest() {
        assertThat(w.post("/v1/admin/projects/default/state", ADMIN, "{\"state\":\"locked\"}").body().path("state").asString())
                .isEqualTo("locked");
        assertProblem(w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"b.txt\",\"content\":\"b\"}"), 403, "project_locked");
        assertThat(w.post("/v1/actions/fs.read", w.viewerToken, "{\"path\":\"a.txt\"}").status()).isEqualTo(200);
        assertThat(w.post("/v1/admin/projects/default/state", ADMIN, "{\"state\":\"archived\"}").body().path("state").asString())
                .isEqualTo("archived");
        assertProblem(w.post("/v1/actions/fs.read", w.viewerToken, "{\"path\":\"a.txt\"}"), 403, "project_archived");
        assertThat(w.get("/v1/admin/users", ADMIN).status()).as("admin endpoints are not actions: they still answer").isEqualTo(200);
        w.post("/v1/admin/projects/default/state", ADMIN, "{\"state\":\"active\"}");
        assertThat(w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"b.txt\",\"content\":\"b\"}").status()).isEqualTo(200);

        // Demoting olivia demotes her operator token; removing victor or disabling olivia stops their tokens.
        w.post("/v1/admin/projects/default/members", ADMIN, "{\"user\":\"olivia\",\"role\":\"viewer\"}");
        assertProblem(w.post("/v1/actions/fs.write", w.operatorToken, "{\"path\":\"c.txt\",\"content\":\"c\"}"), 403, "role_insufficient");
        assertThat(w.delete("/v1/admin/projects/default/members/victor", ADMIN).status()).isEqualTo(200);
        assertProblem(w.post("/v1/actions/fs.read", w.viewerToken, "{\"path\":\"a.txt\"}"), 401, "invalid_token");
        assertProblem(w.delete("/v1/admin/projects/default/members/victor", ADMIN), 404, "member_not_found");
        var disabled = w.post("/v1/admin/users/olivia/disable", ADMIN, "");
        assertThat(disabled.body().path("enabled").asBoolean()).isFalse();
        assertProblem(w.post("/v1/actions/fs.read", w.operatorToken, "{\"path\":\"a.txt\"}"), 401, "invalid_token");
    }

    @Test
    void badRequestsAreProblemsWithCodes() {
        assertProblem(w.post("/v1/admin/users", ADMIN, "{\"name\":\"x\",\"sysadmin\":true}"), 422, "invalid_input");
        assertProblem(w.post("/v1/admin/users", ADMIN, "{\"name\":"), 400, "malformed_json");
        assertProblem(w.post("/v1/admin/users", ADMIN, "{\"name\":\"a b\"}"), 422, "invalid_name");
        assertProblem(w.post("/v1/admin/users", ADMIN, "{\"name\":\"olivia\"}"), 409, "user_exists");
        assertProblem(w.post("/v1/admin/users", ADMIN, "{\"systemAdmin\":true}"), 422, "invalid_input");
        assertProblem(w.post("/v1/admin/projects", ADMIN, "{\"name\":\"default\"}"), 409, "project_exists");
        assertProblem(w.post("/v1/admin/projects/nowhere/state", ADMIN, "{\"state\":\"locked\"}"), 404, "project_not_found");
        assertProblem(w.post("/v1/admin/projects/default/state", ADMIN, "{\"state\":\"frozen\"}"), 422, "invalid_input");
        assertProblem(w.get("/v1/admin/projects/nowhere/members", ADMIN), 404, "project_not_found");
        assertProblem(w.post("/v1/admin/projects/default/members", ADMIN, "{\"user\":\"ghost\",\"role\":\"viewer\"}"), 404, "user_not_found");
        assertProblem(w.post("/v1/admin/projects/default/members", ADMIN, "{\"user\":\"olivia\",\"role\":\"king\"}"), 422, "invalid_input");
        assertProblem(w.post("/v1/admin/tokens", ADMIN, "{\"role\":\"viewer\",\"expires\":\"soon\"}"), 422, "invalid_input");
        assertProblem(w.post("/v1/admin/tokens", ADMIN, "{\"role\":\"viewer\",\"actions\":\"fs.*\"}"), 422, "invalid_input");
        assertProblem(w.post("/v1/admin/tokens", ADMIN, "{\"role\":\"viewer\",\"user\":\"victor\",\"project\":\"nowhere\"}"), 404, "project_not_found");
        assertProblem(w.post("/v1/admin/users/admin/disable", ADMIN, ""), 403, "cannot_disable_self");
        assertProblem(w.post("/v1/admin/users/ghost/disable", ADMIN, ""), 404, "user_not_found");
    }
}
