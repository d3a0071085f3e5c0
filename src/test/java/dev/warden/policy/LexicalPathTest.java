package dev.warden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LexicalPathTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/etc/passwd|/etc/passwd",
            "/tmp/../etc/passwd|/etc/passwd",
            "/../../etc|/etc",
            "//etc//cron.d/|/etc/cron.d",
            "/srv/./a/b/..|/srv/a",
            "a/./b/../c|a/c",
            "../x|../x",
            "a/../..|..",
            ".|.",
            "a/..|.",
            "/|/",
            "~/.ssh/id_rsa|~/.ssh/id_rsa",
    })
    void normalizes_on_the_text(String path, String expected) {
        assertThat(LexicalPath.normalize(path)).isEqualTo(expected);
    }

    @Test
    void under_means_the_directory_itself_or_below_it() {
        assertThat(LexicalPath.under("/etc", "/etc")).isTrue();
        assertThat(LexicalPath.under("/etc/x", "/etc/")).isTrue();
        assertThat(LexicalPath.under("/tmp/../etc/x", "/etc")).isTrue();
        assertThat(LexicalPath.under("/etcetera", "/etc")).isFalse();
        assertThat(LexicalPath.under("/et", "/etc")).isFalse();
        assertThat(LexicalPath.under("/anything", "/")).isTrue();
        assertThat(LexicalPath.under("relative/etc", "/")).isFalse();
        assertThat(LexicalPath.underAny("/usr/bin/ls", List.of("/etc", "/usr"))).isTrue();
        assertThat(LexicalPath.underAny("/srv/usr", List.of("/etc", "/usr"))).isFalse();
    }

    @Test
    void has_segment_matches_whole_components_only() {
        assertThat(LexicalPath.hasSegment("/home/ann/.ssh/id_rsa", ".ssh")).isTrue();
        assertThat(LexicalPath.hasSegment("/home/ann/.ssh", ".ssh")).isTrue();
        assertThat(LexicalPath.hasSegment(".ssh/config", ".ssh")).isTrue();
        assertThat(LexicalPath.hasSegment("/home/ann/.sshrc", ".ssh")).isFalse();
        assertThat(LexicalPath.hasSegment("/home/ann/x.ssh/a", ".ssh")).isFalse();
        assertThat(LexicalPath.hasSegment("/home/ann/.ssh/../notes", ".ssh")).isFalse();
    }
}
