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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Encrypts the credentials Warden stores (webhook keys) with Tink's AEAD (AES-256-GCM). The keyset
 * comes from {@code WARDEN_SECRETS_KEYSET} (Tink JSON) or from {@code secrets.keyset.json} in the
 * data dir, created with mode 0600 on first use. {@link #rotate} adds a new primary key and keeps
 * the old ones, so everything sealed before still opens; callers then re-seal what they hold.
 * Each ciphertext is bound to a context (e.g. {@code webhook:ops}) so it cannot be moved to another row.
 */
public final class SecretBox {
    public static final String ENV = "WARDEN_SECRETS_KEYSET";
    private static final String TEMPLATE = "AES256_GCM";

    private final Path file;
    private volatile KeysetHandle keyset;
    private volatile Aead aead;

    private SecretBox(Path file, KeysetHandle keyset) throws GeneralSecurityException {
        this.file = file;
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
        try {
            var bytes = aead.encrypt(plaintext.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** The plaintext; throws when the ciphertext was altered, moved to another context, or sealed under a key this keyset lacks. */
    public String open(String ciphertext, String context) {
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
        try {
            var builder = KeysetHandle.newBuilder(keyset);
            builder.addEntry(KeysetHandle.generateEntryFromParametersName(TEMPLATE).withRandomId().makePrimary());
            var rotated = builder.build();
            write(file, rotated);
            use(rotated);
            return rotated.size();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("rotation failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secrets keyset " + file, e);
        }
    }

    /** How many keys the keyset holds (one more after each rotation). */
    public int keys() {
        return keyset.size();
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
