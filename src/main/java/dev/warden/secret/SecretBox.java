package dev.warden.secret;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts the credentials Warden stores (webhook keys) with Tink's AEAD (AES-256-GCM). The keyset
 * comes from {@code WARDEN_SECRETS_KEYSET} (Tink JSON) or from {@code secrets.keyset.json} in the
 * data dir, created with mode 0600 on first use. {@link #rotate} adds a new primary key and keeps
 * the old ones, so everything sealed before still opens; callers then re-seal what they hold.
 * Each ciphertext is bound to a context (e.g. {@code webhook:ops}) so it cannot be moved to another row.
 *
 * <p>A server and the CLI share the keyset file: when another process rotates it (and re-seals the
 * stored secrets under the new key), this one must read the new keyset before its next use, or it
 * could no longer open what was re-sealed. So every use first compares the file's identity (inode,
 * modification time, size) with the one last read; the rotation's atomic move always changes the inode.
 */
public final class SecretBox {
    public static final String ENV = "WARDEN_SECRETS_KEYSET";
    private static final String TEMPLATE = "AES256_GCM";

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);

    /** What identifies one version of the keyset file on disk. */
    private record Stamp(Object fileKey, FileTime modified, long size) {}

    private final Path file;
    private volatile KeysetHandle keyset;
    private volatile Aead aead;
    private volatile Stamp stamp;

    private SecretBox(Path file, KeysetHandle keyset) throws GeneralSecurityException {
        this.file = file;
        this.stamp = file == null ? null : stampOf(file);
        use(keyset);
    }

    /** The keyset from {@code envKeyset} when given, else from {@code file}, created if missing. */
    public static SecretBox open(Path file, String envKeyset) {
        try {
            AeadConfig.register();
            if (envKeyset != null && !envKeyset.isBlank()) {
                return new SecretBox(null, TinkJsonProtoKeysetFormat.parseKeyset(envKeyset, InsecureSecretKeyAccess.get()));
            }
            if (Files.exists(file)) {
                return new SecretBox(file, TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get()));
            }
            var created = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.generateEntryFromParametersName(TEMPLATE).withRandomId().makePrimary())
                    .build();
            write(file, created);
            return new SecretBox(file, created);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secrets keyset cannot be used: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the secrets keyset " + file, e);
        }
    }

    public String seal(String plaintext, String context) {
        refresh();
        try {
            var bytes = aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** The plaintext; throws when the ciphertext was altered, moved to another context, or sealed under a key this keyset lacks. */
    public String open(String ciphertext, String context) {
        refresh();
        try {
            var bytes = aead.decrypt(Base64.getDecoder().decode(ciphertext), context.getBytes(StandardCharsets.UTF_8));
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret cannot be decrypted (" + context + "): wrong keyset or altered data", e);
        }
    }

    /** Adds a new primary key (old keys stay for decryption) and saves the keyset when it lives in a file. */
    public synchronized int rotate() {
        if (file == null) {
            throw new IllegalStateException("the keyset comes from " + ENV + "; rotate it there and restart");
        }
        refresh();
        try {
            var builder = KeysetHandle.newBuilder(keyset);
            builder.addEntry(KeysetHandle.generateEntryFromParametersName(TEMPLATE).withRandomId().makePrimary());
            var rotated = builder.build();
            write(file, rotated);
            use(rotated);
            stamp = stampOf(file);
            return rotated.size();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("rotation failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secrets keyset " + file, e);
        }
    }

    /** How many keys the keyset holds (one more after each rotation). */
    public int keys() {
        refresh();
        return keyset.size();
    }

    /**
     * Reads the keyset file again when it changed since it was last read. A file that cannot be read
     * or parsed now keeps the keyset in use: a failed reload must not lose the keys that work.
     */
    private void refresh() {
        if (file == null) return;
        var now = stampOf(file);
        if (now == null || now.equals(stamp)) return;
        synchronized (this) {
            if (now.equals(stamp)) return;
            try {
                use(TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get()));
                stamp = now;
                log.info("the secrets keyset {} changed on disk and was read again ({} keys)", file, keyset.size());
            } catch (IOException | GeneralSecurityException e) {
                log.warn("the secrets keyset {} changed on disk but cannot be read; the keys in use stay: {}", file, e.toString());
            }
        }
    }

    private static Stamp stampOf(Path file) {
        try {
            var attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attrs.fileKey(), attrs.lastModifiedTime(), attrs.size());
        } catch (IOException e) {
            return null;
        }
    }

    private void use(KeysetHandle handle) throws GeneralSecurityException {
        this.keyset = handle;
        this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    /** Written to a 0600 temp file and moved into place, so a crash never leaves half a keyset. */
    private static void write(Path file, KeysetHandle handle) throws IOException, GeneralSecurityException {
        var json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        Files.createDirectories(file.toAbsolutePath().getParent());
        var tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".keyset", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, json);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
