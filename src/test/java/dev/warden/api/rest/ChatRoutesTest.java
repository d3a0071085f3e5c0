package dev.warden.api.rest;

import static dev.warden.llm.LlmPeer.text;
import static dev.warden.llm.LlmPeer.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.config.LlmConfig;
import dev.warden.config.MonitorConfig;
import dev.warden.identity.Role;
import dev.warden.json.Json;
import dev.warden.llm.LlmPeer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The chat routes over real HTTP: a real Warden on a free port whose model provider is a peer
 * speaking OpenAI Chat Completions from a script. Olivia is an operator, Victor a viewer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChatRoutesTest {
    @TempDir
    Path temp;

    LlmPeer peer;
    RestFixture w;

    @BeforeEach
    void start() throws Exception {
        peer = new LlmPeer();
        var llm = new LlmConfig(List.of(new LlmConfig.Provider("peer", LlmConfig.Kind.OPENAI, URI.create(peer.baseUrl()), "model-1",
                "key-1", Duration.ofSeconds(25))));
        w = new RestFixture(temp, null, 1 << 20, MonitorConfig.defaults(), llm);
    }

    @AfterEach
    void stop() {
        w.close();
        peer.close();
    }

    /** One server-sent event, and when the client read it. */
    record Event(String type, JsonNode data, long atNanos) {}

    String startSession(String token, String body) {
        var created = w.post("/v1/chat/sessions", token, body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return created.body().get("id").asString();
    }

    static String message(String text) {
        return Json.write(Json.object().put("text", text));
    }

    /** Sends a message asking for server-sent events and reads the stream to its end. */
    List<Event> stream(String id, String token, String text) throws Exception {
        return stream(id, token, text, new ArrayList<>());
    }

    /** The same, also collecting every line read into {@code lines}, comments included. */
    List<Event> stream(String id, String token, String text, List<String> raw) throws Exception {
        return stream(id, token, text, raw, "");
    }

    List<Event> stream(String id, String token, String text, List<String> raw, String query) throws Exception {
        var request = HttpRequest.newBuilder(w.uri("/v1/chat/sessions/" + id + "/messages" + query))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(message(text))).build();
        var response = w.http.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        var events = new ArrayList<Event>();
        try (var lines = response.body()) {
            String type = null;
            for (var iterator = lines.iterator(); iterator.hasNext(); ) {
                var line = iterator.next();
                raw.add(line);
                if (line.startsWith("event: ")) type = line.substring(7);
                if (line.startsWith("data: ")) {
                    var data = Json.parse(line.substring(6));
                    assertThat(data.get("type").asString()).as("data names the same type as the event").isEqualTo(type);
                    events.add(new Event(type, data, System.nanoTime()));
                }
            }
        }
        return events;
    }

    static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }

    static List<String> types(JsonNode events) {
        return events.valueStream().map(e -> e.get("type").asString()).toList();
    }

    @Test
    void aConversationOverSseReadsAtOnceShowsThePlanAndWritesOnYes() throws Exception {
        Files.writeString(w.root.resolve("todo.txt"), "buy milk\n");
        // The model thinks for 3 s before its second answer: events before that must already have arrived.
        // The 1 s asked of the gap below leaves 2 s for a loaded machine to be late reading the first ones.
        peer.then(toolCall("c1", "fs_read", "{\"path\": \"todo.txt\"}"),
                new LlmPeer.Slow(Duration.ofSeconds(3),
                        toolCall("c2", "fs_write", "{\"path\": \"todo.txt\", \"content\": \"buy milk\\nbuy bread\\n\"}")),
                text("Added bread to your list."));
        var id = startSession(w.operatorToken, "{\"title\": \"todo\"}");

        var first = stream(id, w.operatorToken, "add bread to my todo list");
        assertThat(types(first)).containsExactly("step_started", "step_finished", "plan", "waiting");
        assertThat(first.get(0).data().get("action").asString()).isEqualTo("fs.read");
        assertThat(first.get(1).data().get("status").asString()).isEqualTo("done");
        assertThat(first.get(1).data().get("detail").toString()).contains("buy milk");
        var step = first.get(2).data().at("/steps/0");
        assertThat(step.get("action").asString()).isEqualTo("fs.write");
        assertThat(step.get("risk").asString()).isNotEqualTo("read");
        assertThat(first.get(2).data().get("hint").asString()).contains("yes");
        assertThat(first.get(3).data().get("for").asString()).isEqualTo("plan");
        assertThat(first.get(2).atNanos() - first.get(1).atNanos()).as("the read's events were flushed before the model's pause")
                .isGreaterThan(Duration.ofMillis(1000).toNanos());
        assertThat(Files.readString(w.root.resolve("todo.txt"))).isEqualTo("buy milk\n");
        assertThat(w.get("/v1/chat/sessions/" + id, w.operatorToken).body().get("waitingFor").asString()).isEqualTo("plan");

        var second = stream(id, w.operatorToken, "yes");
        assertThat(types(second)).containsExactly("step_started", "step_finished", "text", "done");
        assertThat(second.get(1).data().get("action").asString()).isEqualTo("fs.write");
        assertThat(second.get(1).data().get("status").asString()).isEqualTo("done");
        assertThat(second.get(1).data().get("auditSeq").asLong()).isPositive();
        var done = second.get(3).data();
        assertThat(done.get("text").asString()).isEqualTo("Added bread to your list.");
        assertThat(done.get("provider").asString()).isEqualTo("peer");
        assertThat(done.get("inputTokens").asLong()).isPositive();
        assertThat(Files.readString(w.root.resolve("todo.txt"))).isEqualTo("buy milk\nbuy bread\n");
        assertThat(w.get("/v1/chat/sessions/" + id, w.operatorToken).body().get("waitingFor").isNull()).isTrue();
    }

    @Test
    void askedForDeltasTheModelsTextStreamsInPiecesBeforeTheWholeText() throws Exception {
        peer.then(text("Nothing to do here, all is well."));
        var id = startSession(w.operatorToken, "{}");
        var events = stream(id, w.operatorToken, "hello", new ArrayList<>(), "?deltas=true");
        var kinds = types(events);
        assertThat(kinds.stream().filter("text_delta"::equals).count()).isGreaterThan(2);
        assertThat(kinds.subList(kinds.lastIndexOf("text_delta") + 1, kinds.size())).containsExactly("text", "done");
        var joined = events.stream().filter(e -> e.type().equals("text_delta")).map(e -> e.data().get("text").asString())
                .reduce("", String::concat);
        assertThat(joined).isEqualTo("Nothing to do here, all is well.");
        // Without asking, a client sees whole texts only.
        peer.then(text("Again."));
        assertThat(types(stream(id, w.operatorToken, "hello again"))).containsExactly("text", "done");
    }

    @Test
    void withoutSseTheTurnIsOneJsonBodyWithWhatItWaitsFor() throws Exception {
        peer.then(toolCall("c1", "fs_mkdir", "{\"path\": \"made\"}"), text("Made it."));
        var id = startSession(w.operatorToken, "");

        var planned = w.post("/v1/chat/sessions/" + id + "/messages", w.operatorToken, message("make a dir called made"));
        assertThat(planned.status()).isEqualTo(200);
        assertThat(planned.contentType()).startsWith("application/json");
        assertThat(types(planned.body().get("events"))).containsExactly("plan", "waiting");
        assertThat(planned.body().at("/events/0/steps/0/action").asString()).isEqualTo("fs.mkdir");
        assertThat(planned.body().get("waitingFor").asString()).isEqualTo("plan");
        assertThat(w.root.resolve("made")).doesNotExist();

        var ran = w.post("/v1/chat/sessions/" + id + "/messages", w.operatorToken, message("go ahead"));
        assertThat(ran.status()).isEqualTo(200);
        assertThat(types(ran.body().get("events"))).containsExactly("step_started", "step_finished", "text", "done");
        assertThat(ran.body().at("/events/3/text").asString()).isEqualTo("Made it.");
        assertThat(ran.body().get("waitingFor").isNull()).isTrue();
        assertThat(w.root.resolve("made")).isDirectory();
    }

    @Test
    void anotherUsersSessionAndAMadeUpOneAreBothNotFound() throws Exception {
        var id = startSession(w.operatorToken, "{\"title\": \"private\"}");
        for (var path : List.of("/v1/chat/sessions/" + id, "/v1/chat/sessions/chat_00000000000000000000")) {
            var read = w.get(path, w.viewerToken);
            assertThat(read.status()).isEqualTo(404);
            assertThat(read.contentType()).startsWith(Problem.CONTENT_TYPE);
            assertThat(read.body().get("code").asString()).isEqualTo("chat_not_found");
            var sent = w.post(path + "/messages", w.viewerToken, message("yes"));
            assertThat(sent.status()).isEqualTo(404);
            assertThat(sent.body().get("code").asString()).isEqualTo("chat_not_found");
            assertThat(sent.body().get("hint").asString()).contains("GET /v1/chat/sessions");
        }
        assertThat(w.get("/v1/chat/sessions/chat_00000000000000000000", w.operatorToken).status()).isEqualTo(404);
        assertThat(w.get("/v1/chat/sessions", w.viewerToken).body().get("sessions")).isEmpty();
        assertThat(w.get("/v1/chat/sessions", null).status()).isEqualTo(401);
        assertThat(w.post("/v1/chat/sessions", null, "{}").status()).isEqualTo(401);
        assertThat(peer.calls()).as("nobody reached the model").isZero();
    }

    @Test
    void badMessagesAndSessionBodiesAreRefusedWithAHint() throws Exception {
        var id = startSession(w.operatorToken, "{}");
        var path = "/v1/chat/sessions/" + id + "/messages";
        for (var body : List.of(message(""), message("   "), "{}", "{\"text\": 5}", message("x".repeat(ChatRoutes.MAX_TEXT + 1)),
                "{\"text\": \"hi\", \"mode\": \"fast\"}", "[\"hi\"]")) {
            var refused = w.post(path, w.operatorToken, body);
            assertThat(refused.status()).as(body.length() > 60 ? body.substring(0, 60) : body).isEqualTo(422);
            assertThat(refused.body().get("code").asString()).isEqualTo("invalid_input");
            assertThat(refused.body().get("hint").asString()).contains("{\"text\":");
        }
        var empty = w.post(path, w.operatorToken, message(""));
        assertThat(empty.body().at("/errors/0/path").asString()).isEqualTo("/text");
        assertThat(w.post(path, w.operatorToken, "{\"text\": ").status()).isEqualTo(400);

        for (var body : List.of("{\"color\": \"red\"}", "{\"autonomous\": \"yes\"}", "{\"title\": 7}",
                "{\"title\": \"" + "t".repeat(ChatRoutes.MAX_TITLE + 1) + "\"}")) {
            var refused = w.post("/v1/chat/sessions", w.operatorToken, body);
            assertThat(refused.status()).as(body).isEqualTo(422);
            assertThat(refused.body().get("code").asString()).isEqualTo("invalid_input");
            assertThat(refused.body().get("errors")).isNotEmpty();
        }
        assertThat(peer.calls()).isZero();

        peer.then(text("That is a long one."));
        var longest = w.post(path, w.operatorToken, message("y".repeat(ChatRoutes.MAX_TEXT)));
        assertThat(longest.status()).isEqualTo(200);
        assertThat(types(longest.body().get("events"))).containsExactly("text", "done");
    }

    @Test
    void aSessionIsListedForItsOwnerAndResumedWithAnotherOfTheirTokens() throws Exception {
        peer.then(toolCall("c1", "fs_mkdir", "{\"path\": \"kept\"}"), text("Made it."));
        var created = w.post("/v1/chat/sessions", w.operatorToken, "{\"title\": \"dirs\", \"autonomous\": true}");
        assertThat(created.status()).isEqualTo(201);
        var id = created.body().get("id").asString();
        assertThat(created.raw().headers().firstValue("Location")).contains("/v1/chat/sessions/" + id);
        assertThat(created.body().get("title").asString()).isEqualTo("dirs");
        assertThat(created.body().get("autonomous").asBoolean()).isTrue();
        var createdAt = Instant.parse(created.body().get("createdAt").asString());
        startSession(w.viewerToken, "{\"title\": \"victor's\"}");

        var planned = w.post("/v1/chat/sessions/" + id + "/messages", w.operatorToken, message("make a dir called kept"));
        assertThat(planned.body().get("waitingFor").asString()).isEqualTo("plan");

        // Another token of olivia's: the session is hers, restored from the store.
        var cli = w.warden.tokens().create("cli", "olivia", "default", Role.OPERATOR, null, List.of()).secret();
        var listed = w.get("/v1/chat/sessions", cli);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().get("sessions")).singleElement().satisfies(s -> {
            assertThat(s.get("id").asString()).isEqualTo(id);
            assertThat(s.get("title").asString()).isEqualTo("dirs");
            assertThat(s.get("autonomous").asBoolean()).isTrue();
            assertThat(Instant.parse(s.get("createdAt").asString())).isEqualTo(createdAt);
            assertThat(Instant.parse(s.get("updatedAt").asString())).isAfterOrEqualTo(createdAt);
            assertThat(s.get("waitingFor").asString()).isEqualTo("plan");
        });
        assertThat(w.get("/v1/chat/sessions/" + id, cli).body()).isEqualTo(listed.body().at("/sessions/0"));
        assertThat(w.get("/v1/chat/sessions", w.viewerToken).body().get("sessions")).singleElement()
                .satisfies(s -> assertThat(s.get("title").asString()).isEqualTo("victor's"));

        var resumed = stream(id, cli, "yes");
        assertThat(types(resumed)).endsWith("done");
        assertThat(w.root.resolve("kept")).isDirectory();
        // The model saw the conversation from before, restored: the request, its call, and the result.
        assertThat(peer.received().getLast().body().path("messages").toString()).contains("make a dir called kept").contains("fs_mkdir");
    }

    @Test
    void aFieldAnswerThatDoesNotParseIsAskedAgainAndTheSessionStillWaitsForIt() throws Exception {
        peer.then(toolCall("c1", "proc_info", "{}"), text("That is the first process."));
        var id = startSession(w.operatorToken, "{}");
        var path = "/v1/chat/sessions/" + id + "/messages";
        var asked = w.post(path, w.operatorToken, message("tell me about a process"));
        assertThat(types(asked.body().get("events"))).containsExactly("question", "waiting");
        assertThat(asked.body().get("waitingFor").asString()).isEqualTo("field");

        var again = w.post(path, w.operatorToken, message("the first one"));
        assertThat(types(again.body().get("events"))).containsExactly("question", "waiting");
        assertThat(again.body().get("waitingFor").asString()).isEqualTo("field");
        assertThat(w.get("/v1/chat/sessions/" + id, w.operatorToken).body().get("waitingFor").asString()).isEqualTo("field");

        var answered = w.post(path, w.operatorToken, message("1"));
        assertThat(answered.body().at("/events/0/type").asString()).isEqualTo("step_started");
        assertThat(answered.body().at("/events/0/input/pid").asLong()).isEqualTo(1);
        assertThat(peer.calls()).as("the model was asked once per finished round, not about the answers").isEqualTo(2);
    }

    @Test
    void aTokenNarrowedToReadsIsOfferedAndRunsOnlyThose() throws Exception {
        peer.then(toolCall("c1", "fs_write", "{\"path\": \"x.txt\", \"content\": \"x\"}"), text("I may not write here."));
        var reader = w.warden.tokens().create("reader", "olivia", "default", Role.OPERATOR, null, List.of("fs.read")).secret();
        var id = startSession(reader, "{}");
        var events = stream(id, reader, "write x");
        assertThat(types(events)).doesNotContain("plan", "step_started").endsWith("done");
        var offered = peer.received().getFirst().body().path("tools").valueStream().map(t -> t.at("/function/name").asString()).toList();
        // Only the one action the token allows, and the question tool, which runs nothing.
        assertThat(offered).containsExactly("fs_read", "ask_user");
        assertThat(w.root.resolve("x.txt")).doesNotExist();
    }

    @Test
    void aLongModelCallKeepsTheStreamAliveWithComments() throws Exception {
        // The stream sends a keep-alive every 15 s; the answer comes at 20 s, well after the first one
        // and well inside the provider's 25 s time limit.
        peer.then(new LlmPeer.Slow(Duration.ofSeconds(20), text("Sorry for the wait.")));
        var id = startSession(w.operatorToken, "{}");
        var lines = new ArrayList<String>();
        var events = stream(id, w.operatorToken, "hello", lines);
        assertThat(types(events)).containsExactly("text", "done");
        assertThat(lines).contains(": keepalive");
        assertThat(lines.indexOf(": keepalive")).isLessThan(lines.indexOf("event: text"));
    }

    @Test
    void whenTheModelAnswersOnly500sTheTurnFailsWithLlmUnavailable() throws Exception {
        peer.otherwise(new LlmPeer.Fail(500, null));
        var id = startSession(w.operatorToken, "{}");
        var events = stream(id, w.operatorToken, "hello");
        assertThat(types(events)).containsExactly("failed");
        var failed = events.getFirst().data();
        assertThat(failed.get("code").asString()).isEqualTo("llm_unavailable");
        assertThat(failed.get("hint").asString()).contains("./warden run");
        assertThat(w.get("/v1/chat/sessions/" + id, w.operatorToken).body().get("waitingFor").isNull()).isTrue();
    }
}
