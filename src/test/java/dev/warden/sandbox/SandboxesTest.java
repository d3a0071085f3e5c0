package dev.warden.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxesTest {
    @TempDir
    Path temp;

    /** Capabilities that claim every level, so the checks before any process starts can be seen on their own. */
    private static final Capabilities EVERYTHING = new Capabilities(true, Path.of("/usr/bin/unshare"),
            Path.of("/usr/bin/setpriv"), null, Cgroups.none(), Set.of(), null);

    private Sandboxes sandboxes(SandboxSettings settings, Path root) {
        return new Sandboxes(new ProcessRunner(ProcessLimits.defaults()), settings, List.of(root), List.of(), () -> EVERYTHING);
    }

    @Test
    void aCallThatNamesNoLevelGetsThePolicysDefault() throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var settings = SandboxSettings.defaults().withLevels(SandboxLevel.ISOLATED, SandboxLevel.PROCESS);

        assertThat(sandboxes(settings, root).choose(null)).isEqualTo(SandboxLevel.ISOLATED);
        assertThat(sandboxes(settings, root).choose("process")).isEqualTo(SandboxLevel.PROCESS);
        assertThat(sandboxes(settings, root).choose("preview")).isEqualTo(SandboxLevel.PREVIEW);
        assertThatThrownBy(() -> sandboxes(settings, root).choose("jail")).isInstanceOfSatisfying(ActionException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_INPUT));
    }

    @Test
    void aPreviewWhoseDirectoryIsInsideTheRootIsRefusedBeforeAnythingRuns() throws Exception {
        var root = Files.createDirectories(temp.resolve("root"));
        var spec = ProcessLimits.defaults().spec(Command.script("touch ran"), root);

        assertThatThrownBy(() -> sandboxes(SandboxSettings.defaults(), root).startPreview(spec, root.resolve("previews/p")))
                .isInstanceOfSatisfying(ActionException.class, e -> {
                    assertThat(e.code()).isEqualTo("sandbox_unavailable");
                    assertThat(e.getMessage()).contains("overlap");
                });
        assertThat(root.resolve("ran")).doesNotExist();
        assertThat(root.resolve("previews")).doesNotExist();
    }

    @Test
    void aRootWhosePathOverlayOptionsCannotCarryIsRefused() throws Exception {
        var root = Files.createDirectories(temp.resolve("a,b"));
        var spec = ProcessLimits.defaults().spec(Command.script("touch ran"), root);

        assertThatThrownBy(() -> sandboxes(SandboxSettings.defaults(), root).startPreview(spec, temp.resolve("previews/p")))
                .isInstanceOfSatisfying(ActionException.class, e -> assertThat(e.getMessage()).contains("comma"));
    }
}
