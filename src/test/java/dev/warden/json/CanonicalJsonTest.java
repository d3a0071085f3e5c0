package dev.warden.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void sortsKeysAtEveryLevelAndWritesNoWhitespace() {
        var node = Json.parse("{\"b\": [1, {\"z\": true, \"a\": null}], \"a\": \"x\", \"c\": 1.5}");
        assertThat(CanonicalJson.of(node)).isEqualTo("{\"a\":\"x\",\"b\":[1,{\"a\":null,\"z\":true}],\"c\":1.5}");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersAndNothingElse() {
        var node = Json.object().put("k", "say \"hi\"\\ \n\r\t\u0001\u001f é € /");
        assertThat(CanonicalJson.of(node)).isEqualTo("{\"k\":\"say \\\"hi\\\"\\\\ \\n\\r\\t\\u0001\\u001f é € /\"}");
    }

    @Test
    void writesEveryStringExactlyAsTheCharacterByCharacterRuleDoes() {
        // Hashes in existing audit chains were taken over this form: any string must render the same
        // bytes as the rule it was first written with, whatever mix of runs and escapes it holds.
        var random = new Random(42);
        var alphabet = "ab \"\\\n\r\t\u0000\u0007\u001f\u007féß€😀/";
        for (int n = 0; n < 2_000; n++) {
            var text = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            var value = text.toString();
            assertThat(CanonicalJson.of(Json.object().put("v", value)))
                    .as("%s", value).isEqualTo("{\"v\":" + reference(value) + "}");
        }
    }

    @Test
    void theStreamedDigestIsTheDigestOfTheRenderedBytesForAnyTextIncludingBrokenSurrogates() throws Exception {
        // The alphabet mixes ASCII, two-, three- and four-byte characters, escapes, and halves of a
        // surrogate pair on their own (String.getBytes writes '?' for those); the texts are long
        // enough to cross the digest's buffer.
        var random = new Random(7);
        var alphabet = "ab \"\\\n\u0001é€😀\ud83d\ude00" + "\ud800" + "\udc00";
        for (int n = 0; n < 500; n++) {
            var text = new StringBuilder();
            int length = random.nextInt(n % 10 == 0 ? 9_000 : 60);
            for (int i = 0; i < length; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            var node = Json.object().put("v", text.toString()).put("n", n);
            node.putArray("a").add(text.toString()).add(true).addNull();
            var expected = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(CanonicalJson.of(node).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(CanonicalJson.sha256(node)).as("text %d", n).isEqualTo(expected);
        }
    }

    @Test
    void longAsciiRunsAcrossTheDigestsBufferHashLikeTheRenderedBytes() throws Exception {
        // Mostly plain ASCII, as file content is, with now and then an escape or a Latin-1, BMP or
        // astral character: runs of every length, some longer than the digest's 4 KiB buffer.
        var random = new Random(11);
        var rare = "\n\"\\\téÿ€😀\u0001";
        for (int n = 0; n < 300; n++) {
            var text = new StringBuilder();
            int length = random.nextInt(n % 5 == 0 ? 20_000 : 3_000);
            for (int i = 0; i < length; i++) {
                text.append(random.nextInt(200) == 0 ? rare.charAt(random.nextInt(rare.length())) : (char) (0x20 + random.nextInt(0x5f)));
            }
            var node = Json.object().put("content", text.toString());
            var expected = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(CanonicalJson.of(node).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(CanonicalJson.sha256(node)).as("text %d", n).isEqualTo(expected);
        }
    }

    private static String reference(String s) {
        var out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
