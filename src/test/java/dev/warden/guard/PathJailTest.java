package dev.warden.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathJailTest {
    @TempDir Path tmp;
    Path root;
    Path outside;
    PathJail jail;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("x/app")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("x/app2")).toRealPath();
        Files.writeString(outside.resolve("secret.txt"), "secret");
        jail = new PathJail(List.of(root));
    }

    private static ActionException refusal(Runnable r) {
        try {
            r.run();
        } catch (ActionException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void resolvesPathsInsideTheRoot() throws IOException {
        Files.writeString(root.resolve("a.txt"), "a");
        assertThat(jail.resolve(root + "/a.txt")).isEqualTo(root.resolve("a.txt"));
        assertThat(jail.resolve(root + "/sub/new.txt")).isEqualTo(root.resolve("sub/new.txt"));
        assertThat(jail.resolve(root.toString())).isEqualTo(root);
    }

    @Test
    void relativePathsResolveAgainstTheFirstRoot() {
        assertThat(jail.resolve("dir/file.txt")).isEqualTo(root.resolve("dir/file.txt"));
        assertThat(jail.resolve("./dir/../file.txt")).isEqualTo(root.resolve("file.txt"));
    }

    @Test
    void refusesDotDotEscapes() {
        var e = refusal(() -> jail.resolve(root + "/../app2/secret.txt"));
        assertThat(e.code()).isEqualTo("path_outside_roots");
        assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED);
        assertThat(refusal(() -> jail.resolve("../../etc/passwd")).code()).isEqualTo("path_outside_roots");
        assertThat(refusal(() -> jail.resolve("/etc/passwd")).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void siblingWithTheSamePrefixIsOutside() {
        assertThat(refusal(() -> jail.resolve(outside + "/secret.txt")).code()).isEqualTo("path_outside_roots");
        assertThat(jail.inside(outside)).isFalse();
    }

    @Test
    void symlinkToAnOutsideFileIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));
        var e = refusal(() -> jail.resolve("link.txt"));
        assertThat(e.code()).isEqualTo("path_outside_roots");
        assertThat(e.getMessage()).contains("resolves to " + outside.resolve("secret.txt"));
    }

    @Test
    void notYetExistingFileUnderASymlinkedDirectoryPointingOutIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("out"), outside);
        assertThat(refusal(() -> jail.resolve("out/new/deeper.txt")).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void symlinkInsideTheRootIsFollowed() throws IOException {
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
        assertThat(jail.resolve("alias/f.txt")).isEqualTo(root.resolve("real/f.txt"));
    }

    @Test
    void danglingSymlinkPointingOutIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("missing/file.txt"));
        assertThat(refusal(() -> jail.resolve("dangling")).code()).isEqualTo("path_outside_roots");
        assertThat(refusal(() -> jail.resolve("dangling/below")).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void danglingRelativeSymlinkPointingOutIsRefused() throws IOException {
        Files.createDirectories(root.resolve("d"));
        Files.createSymbolicLink(root.resolve("d/rel"), Path.of("../../app2/nothing-here"));
        assertThat(refusal(() -> jail.resolve("d/rel")).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void danglingSymlinkPointingInsideResolvesToItsTarget() throws IOException {
        Files.createSymbolicLink(root.resolve("later"), root.resolve("not-yet.txt"));
        assertThat(jail.resolve("later")).isEqualTo(root.resolve("not-yet.txt"));
    }

    @Test
    void symlinkLoopIsACleanRefusal() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), root.resolve("b"));
        Files.createSymbolicLink(root.resolve("b"), root.resolve("a"));
        Files.createSymbolicLink(root.resolve("self"), root.resolve("self"));
        for (var p : List.of("a", "b", "self", "a/below/file.txt")) {
            var e = refusal(() -> jail.resolve(p));
            assertThat(e.code()).as(p).isEqualTo("symlink_loop");
            assertThat(e.hint()).isNotBlank();
        }
    }

    @Test
    void refusesNulAndEmptyPaths() {
        var nul = refusal(() -> jail.resolve("a\0b"));
        assertThat(nul.code()).isEqualTo("invalid_path");
        assertThat(nul.kind()).isEqualTo(ErrorKind.BAD_INPUT);
        assertThat(refusal(() -> jail.resolve("")).code()).isEqualTo("invalid_path");
        assertThat(refusal(() -> jail.resolve(null)).code()).isEqualTo("invalid_path");
    }

    @Test
    void resolveExistingReportsMissingPaths() {
        var e = refusal(() -> jail.resolveExisting("nope.txt"));
        assertThat(e.code()).isEqualTo("not_found");
        assertThat(e.hint()).contains("fs.list");
    }

    @Test
    void openDoesNotFollowASymlinkSwappedInAfterResolve() throws IOException {
        Files.writeString(root.resolve("f.txt"), "mine");
        var checked = jail.resolve("f.txt");
        Files.delete(checked);
        Files.createSymbolicLink(checked, outside.resolve("secret.txt"));
        assertThatThrownBy(() -> jail.open(checked, StandardOpenOption.READ))
                .isInstanceOf(ActionException.class)
                .extracting(e -> ((ActionException) e).code()).isEqualTo("path_outside_roots");
        assertThatThrownBy(() -> jail.open(checked, StandardOpenOption.WRITE, StandardOpenOption.CREATE))
                .isInstanceOf(ActionException.class);
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
    }

    @Test
    void openRefusesAParentDirectorySwappedForAnOutsideSymlink() throws IOException {
        Files.createDirectories(root.resolve("dir"));
        var checked = jail.resolve("dir/secret.txt");
        Files.delete(root.resolve("dir"));
        Files.createSymbolicLink(root.resolve("dir"), outside);
        assertThatThrownBy(() -> jail.open(checked, StandardOpenOption.READ))
                .isInstanceOf(ActionException.class)
                .extracting(e -> ((ActionException) e).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void recheckNoticesAChangedPath() throws IOException {
        Files.createDirectories(root.resolve("dir"));
        var checked = jail.resolve("dir");
        assertThat(jail.recheck(checked)).isEqualTo(checked);
        Files.delete(checked);
        Files.createSymbolicLink(checked, outside);
        assertThat(refusal(() -> jail.recheck(checked)).code()).isEqualTo("path_outside_roots");
    }

    @Test
    void rootsAndTheirAncestorsAreRecognised() {
        assertThat(jail.isRootOrAbove(root)).isTrue();
        assertThat(jail.isRootOrAbove(root.getParent())).isTrue();
        assertThat(jail.isRootOrAbove(root.resolve("sub"))).isFalse();
    }

    @Test
    void rootGivenThroughASymlinkIsItsRealPath() throws IOException {
        var alias = Files.createSymbolicLink(tmp.resolve("alias"), root);
        var viaAlias = new PathJail(List.of(alias));
        assertThat(viaAlias.roots()).containsExactly(root);
        assertThat(viaAlias.resolve(alias + "/f")).isEqualTo(root.resolve("f"));
    }

    @Test
    void protectedPathsInsideARootAreRefusedWithAHint() throws IOException {
        var data = Files.createDirectories(root.resolve("data"));
        Files.writeString(data.resolve("warden.db"), "db");
        var policy = root.resolve("policy.yaml");
        Files.writeString(policy, "version: 1\n");
        var guarded = new PathJail(List.of(root), List.of(data, policy));

        for (var path : List.of("data", "data/warden.db", "data/not-yet.txt", root + "/sub/../data/warden.db", "policy.yaml")) {
            var e = refusal(() -> guarded.resolve(path));
            assertThat(e.code()).as(path).isEqualTo("path_protected");
            assertThat(e.kind()).isEqualTo(ErrorKind.REFUSED);
            assertThat(e.hint()).contains("admin front");
        }
        // A sibling sharing the prefix is not protected; neither is the root that holds them.
        assertThat(guarded.resolve("data2/x.txt")).isEqualTo(root.resolve("data2/x.txt"));
        assertThat(guarded.resolve("policy.yaml.bak")).isEqualTo(root.resolve("policy.yaml.bak"));
        assertThat(guarded.resolve(".")).isEqualTo(root);
        assertThat(guarded.protectedInsideRoots()).containsExactly(data, policy);
        assertThat(jail.protectedInsideRoots()).isEmpty();
    }

    @Test
    void aSymlinkIntoAProtectedPathAndAnOpenThroughItAreRefused() throws IOException {
        var data = Files.createDirectories(root.resolve("data"));
        Files.writeString(data.resolve("secret.key"), "k");
        var guarded = new PathJail(List.of(root), List.of(data));
        Files.createSymbolicLink(root.resolve("link"), data);

        assertThat(refusal(() -> guarded.resolve("link/secret.key")).code()).isEqualTo("path_protected");
        assertThat(refusal(() -> guarded.recheck(data.resolve("secret.key"))).code()).isEqualTo("path_protected");
        assertThat(refusal(() -> {
            try (var ch = guarded.open(root.resolve("link/secret.key"), StandardOpenOption.READ)) {
                ch.size();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).code()).isEqualTo("path_protected");
    }

    @Test
    void aDirectoryHoldingAProtectedPathIsRefusedForRemovalButNotForReading() throws IOException {
        var parent = Files.createDirectories(root.resolve("state"));
        var data = Files.createDirectories(parent.resolve("warden"));
        var guarded = new PathJail(List.of(root), List.of(data));

        assertThat(guarded.resolve("state")).isEqualTo(parent);
        assertThat(refusal(() -> guarded.refuseIfHoldsProtected(parent)).code()).isEqualTo("path_protected");
        assertThat(refusal(() -> guarded.refuseIfHoldsProtected(root)).code()).isEqualTo("path_protected");
        guarded.refuseIfHoldsProtected(Files.createDirectories(root.resolve("other")));
    }
}
