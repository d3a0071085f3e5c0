package dev.warden.actions.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextDiffTest {
    @Test
    void equalTextsHaveNoDiff() {
        assertThat(TextDiff.unified("f", "a\nb\n", "a\nb\n")).isEmpty();
    }

    @Test
    void hunksCarryThreeLinesOfContextAndCorrectRanges() {
        var before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        var after = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n";
        assertThat(TextDiff.unified("f", before, after)).isEqualTo("""
                --- a/f
                +++ b/f
                @@ -3,7 +3,7 @@
                 3
                 4
                 5
                -6
                +six
                 7
                 8
                 9
                """);
    }

    @Test
    void distantChangesGetSeparateHunks() {
        var sb = new StringBuilder();
        for (int i = 1; i <= 30; i++) sb.append(i).append('\n');
        var after = sb.toString().replace("\n2\n", "\ntwo\n").replace("\n28\n", "\ntwenty-eight\n");
        var diff = TextDiff.unified("f", sb.toString(), after);
        assertThat(diff.lines().filter(l -> l.startsWith("@@")).toList()).containsExactly("@@ -1,5 +1,5 @@", "@@ -25,6 +25,6 @@");
    }

    @Test
    void creationAndInsertion() {
        assertThat(TextDiff.unified("f", "", "a\nb\n")).contains("@@ -0,0 +1,2 @@\n+a\n+b\n");
        assertThat(TextDiff.unified("f", "a\nc\n", "a\nb\nc\n")).contains("@@ -1,2 +1,3 @@\n a\n+b\n c\n");
    }

    @Test
    void hugeInputsStayBounded() {
        var a = new StringBuilder();
        var b = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            a.append("line ").append(i).append('\n');
            b.append("other ").append(i).append('\n');
        }
        var diff = TextDiff.unified("big", a.toString(), b.toString());
        assertThat(diff.length()).isLessThan(TextDiff.MAX_CHARS + 200);
        assertThat(diff).endsWith("characters\n");
    }
}
