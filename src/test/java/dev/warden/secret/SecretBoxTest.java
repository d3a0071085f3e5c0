package dev.warden.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
    @TempDir
    Path temp;

    @Test
    void sealsAndOpensBoundToItsContextWithAKeysetFileOnlyTheOwnerCanRead() throws Exception {
        var file = temp.resolve("secrets.keyset.json");
        var box = SecretBox.open(file, null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        var sealed = box.seal("whsec_abc", "webhook:ops");
        assertThat(sealed).doesNotContain("whsec_abc");
        assertThat(box.open(sealed, "webhook:ops")).isEqualTo("whsec_abc");
        assertThatThrownBy(() -> box.open(sealed, "webhook:dev")).isInstanceOf(IllegalStateException.class);
        var tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> box.open(tampered, "webhook:ops")).isInstanceOf(IllegalStateException.class);

        // A second open reads the same keyset.
        assertThat(SecretBox.open(file, null).open(sealed, "webhook:ops")).isEqualTo("whsec_abc");
        // Another keyset cannot read it.
        assertThatThrownBy(() -> SecretBox.open(temp.resolve("other.json"), null).open(sealed, "webhook:ops"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rotationAddsAPrimaryKeyAndOldCiphertextsStillOpen() {
        var file = temp.resolve("k.json");
        var box = SecretBox.open(file, null);
        var before = box.seal("one", "c");
        assertThat(box.rotate()).isEqualTo(2);
        var after = box.seal("two", "c");
        var reopened = SecretBox.open(file, null);
        assertThat(reopened.keys()).isEqualTo(2);
        assertThat(reopened.open(before, "c")).isEqualTo("one");
        assertThat(reopened.open(after, "c")).isEqualTo("two");
    }

    @Test
    void aKeysetFromTheEnvironmentIsUsedAndNotWrittenOrRotated() throws Exception {
        var source = temp.resolve("source.json");
        SecretBox.open(source, null);
        var json = Files.readString(source);
        var fromEnv = SecretBox.open(temp.resolve("unused.json"), json);
        assertThat(temp.resolve("unused.json")).doesNotExist();
        assertThat(SecretBox.open(source, null).open(fromEnv.seal("x", "c"), "c")).isEqualTo("x");
        assertThatThrownBy(fromEnv::rotate).hasMessageContaining(SecretBox.ENV);
    }

    @Test
    void aKeysetRotatedByAnotherProcessIsReadBeforeTheNextUse() {
        var file = temp.resolve("shared.json");
        var server = SecretBox.open(file, null);
        var cli = SecretBox.open(file, null);
        var old = server.seal("whsec_old", "webhook:ops");

        // The CLI rotates and re-seals under the new primary key, which the server has never seen.
        assertThat(cli.rotate()).isEqualTo(2);
        var resealed = cli.seal(cli.open(old, "webhook:ops"), "webhook:ops");

        assertThat(server.open(resealed, "webhook:ops")).isEqualTo("whsec_old");
        assertThat(server.keys()).isEqualTo(2);
        // The server now seals under the shared keyset: what it seals, a fresh reader of the file opens.
        assertThat(SecretBox.open(file, null).open(server.seal("new", "c"), "c")).isEqualTo("new");
        // And a rotation here builds on the keys from disk, so the CLI's key is kept.
        assertThat(server.rotate()).isEqualTo(3);
        assertThat(cli.open(resealed, "webhook:ops")).isEqualTo("whsec_old");
        assertThat(cli.keys()).isEqualTo(3);
    }

    @Test
    void aKeysetFileThatBecameUnreadableKeepsTheKeysInUse() throws Exception {
        var file = temp.resolve("k.json");
        var box = SecretBox.open(file, null);
        var sealed = box.seal("x", "c");
        Files.writeString(file, "{not a keyset");
        assertThat(box.open(sealed, "c")).isEqualTo("x");
    }
}
