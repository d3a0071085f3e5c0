package dev.warden.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Previews with real processes: the command runs against an overlay, and only the overlay changes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreviewRunTest {
    @TempDir
    Path base;

    private SandboxFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = SandboxFixture.create(base);
        fx.assumeIsolation();
        Files.writeString(fx.root().resolve("README.md"), "hello\n");
        Files.createDirectories(fx.root().resolve("src/deep"));
        Files.writeString(fx.root().resolve("src/a.txt"), "a\n");
        Files.writeString(fx.root().resolve("src/deep/b.bin"), "\0\1\2");
        Files.createSymbolicLink(fx.root().resolve("link"), Path.of("README.md"));
        SandboxFixture.chownTree(fx.root(), SandboxFixture.NOBODY);
    }

    private record Ran(ProcessResult result, List<FileChange> changes) {}

    private Ran preview(String script) {
        var run = fx.sandboxes().startPreview(fx.spec(Command.script(script)), fx.dataDir().resolve("previews/p1"));
        var result = run.process().await();
        return new Ran(result, run.changes());
    }

    private Map<String, String> byPath(List<FileChange> changes) {
        var map = new TreeMap<String, String>();
        for (var c : changes) map.merge(fx.root().relativize(c.path()).toString(), c.kind().id() + " " + c.type().id(), (a, b) -> a + ", " + b);
        return map;
    }

    private Map<String, String> snapshot() throws IOException {
        var map = new TreeMap<String, String>();
        try (var all = Files.walk(fx.root())) {
            for (var p : all.toList()) map.put(fx.root().relativize(p).toString(), FileState.of(p, false));
        }
        return map;
    }

    @Test
    void aPreviewOfRmRfLeavesEveryFileInPlaceAndListsThemAsDeleted() throws IOException {
        var before = snapshot();

        var ran = preview("rm -rf ./* && ls -A | wc -l");

        assertThat(ran.result().exitCode()).as(ran.result().stderr().text()).isZero();
        assertThat(ran.result().stdout().text().strip()).isEqualTo("0");
        assertThat(ran.result().level()).isEqualTo("preview");
        assertThat(ran.result().enforced()).contains("overlay_roots=1", "no_network");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(byPath(ran.changes())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "README.md", "deleted file",
                "link", "deleted symlink",
                "src", "deleted directory",
                "src/a.txt", "deleted file",
                "src/deep", "deleted directory",
                "src/deep/b.bin", "deleted file")));
        assertThat(ran.changes()).allSatisfy(c -> assertThat(c.source()).isNull());
        var readme = ran.changes().stream().filter(c -> c.path().endsWith("README.md")).findFirst().orElseThrow();
        assertThat(readme.baseState()).isEqualTo(FileState.of(fx.root().resolve("README.md"), false));
    }

    @Test
    void createdAndModifiedFilesAreListedWithTheirNewContentInTheUpperDirectory() throws IOException {
        var before = snapshot();

        var ran = preview("echo world >> README.md && mkdir -p new/dir && echo n > new/dir/n.txt && chmod +x src/a.txt"
                + " && ln -sf src/a.txt link && cat README.md");

        assertThat(ran.result().stdout().text()).isEqualTo("hello\nworld\n");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(byPath(ran.changes())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "README.md", "modified file",
                "link", "modified symlink",
                "new", "created directory",
                "new/dir", "created directory",
                "new/dir/n.txt", "created file",
                "src/a.txt", "modified file")));
        var readme = ran.changes().stream().filter(c -> c.path().endsWith("README.md")).findFirst().orElseThrow();
        assertThat(readme.source()).hasContent("hello\nworld");
        assertThat(readme.source().startsWith(fx.dataDir())).isTrue();
    }

    @Test
    void aDirectoryReplacedByANewOneListsWhatWasInTheOldOne() throws IOException {
        var ran = preview("rm -rf src && mkdir -p src/deep && echo again > src/a.txt && echo x > src/deep/other");

        assertThat(byPath(ran.changes())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "src/a.txt", "modified file",
                "src/deep/b.bin", "deleted file",
                "src/deep/other", "created file")));
    }

    @Test
    void aFileThatBecameADirectoryIsDeletedThenCreated() throws IOException {
        var ran = preview("rm README.md && mkdir README.md && echo x > README.md/inner; touch src/a.txt");

        // touch changes only the time: a copied-up file with the same bytes and mode is no change.
        assertThat(byPath(ran.changes())).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "README.md", "deleted file, created directory",
                "README.md/inner", "created file")));
        assertThat(ran.changes().getFirst().kind()).isEqualTo(FileChange.Kind.DELETED);
    }

    @Test
    void aCommandThatChangesNothingHasNoChanges() {
        var ran = preview("cat README.md > /dev/null; ls -R > /dev/null");

        assertThat(ran.changes()).isEmpty();
    }
}
