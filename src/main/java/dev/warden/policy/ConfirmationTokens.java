package dev.warden.policy;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.identity.Principal;
import dev.warden.json.CanonicalJson;
import dev.warden.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * Single-use tokens that let a caller confirm exactly the intent it was shown: the same principal,
 * action and canonical input, before the expiry. The token is its own record (HMAC-SHA256 under a
 * server key), so issuing stores nothing; redeeming records the token id in
 * {@code used_confirmations}, whose primary key makes a second redemption fail in any process that
 * shares the database.
 *
 * <p>Layout (URL-safe base64, no padding): version (1) | token id (16) | expiry, epoch seconds (8) |
 * principal tag (4) | action tag (4) | input tag (4) | HMAC (32). The MAC covers the body and the
 * full principal id, action id and input hash; the short tags only let a refusal say which of the
 * three differs.
 */
public final class ConfirmationTokens {
    public record Issued(String token, Instant expiresAt) {}

    private static final byte VERSION = 1;
    private static final int ID_BYTES = 16, TAG_BYTES = 4, MAC_BYTES = 32, KEY_BYTES = 32;
    private static final int BODY_BYTES = 1 + ID_BYTES + Long.BYTES + 3 * TAG_BYTES;
    private static final byte[] DOMAIN = "warden confirmation v1".getBytes(StandardCharsets.UTF_8);
    private static final DateTimeFormatter USED_AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String NEW_TOKEN = "Re-send the request without confirm to get a new token, then confirm with exactly that token.";

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ConfirmationTokens(byte[] key, Duration ttl, Database db, Clock clock) {
        if (key.length < KEY_BYTES) throw new IllegalArgumentException("a confirmation key needs at least " + KEY_BYTES + " bytes");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("the confirmation lifetime must be at least a second");
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.ttl = ttl;
        this.db = Objects.requireNonNull(db);
        this.clock = Objects.requireNonNull(clock);
    }

    public Issued issue(Principal principal, String actionId, JsonNode input) {
        var expiresAt = clock.instant().plus(ttl).truncatedTo(ChronoUnit.SECONDS);
        var binding = new Binding(principal.id(), actionId, input);
        var id = new byte[ID_BYTES];
        random.nextBytes(id);
        var body = ByteBuffer.allocate(BODY_BYTES)
                .put(VERSION).put(id).putLong(expiresAt.getEpochSecond())
                .put(binding.principalTag()).put(binding.actionTag()).put(binding.inputTag())
                .array();
        var token = ByteBuffer.allocate(BODY_BYTES + MAC_BYTES).put(body).put(mac(body, binding)).array();
        return new Issued(Base64.getUrlEncoder().withoutPadding().encodeToString(token), expiresAt);
    }

    /** Accepts the token for this exact intent once, or throws a {@code REFUSED} {@link ActionException} saying why not. */
    public void redeem(String token, Principal principal, String actionId, JsonNode input) {
        var bytes = decode(token);
        var body = Arrays.copyOf(bytes, BODY_BYTES);
        var presented = Arrays.copyOfRange(bytes, BODY_BYTES, bytes.length);
        var binding = new Binding(principal.id(), actionId, input);
        if (!MessageDigest.isEqual(presented, mac(body, binding))) {
            throw mismatchOrInvalid(body, binding, actionId);
        }
        var buffer = ByteBuffer.wrap(body, 1 + ID_BYTES, Long.BYTES);
        var expiresAt = Instant.ofEpochSecond(buffer.getLong());
        if (!clock.instant().isBefore(expiresAt)) {
            throw refused("confirmation_expired", "The confirmation token expired at " + expiresAt + ".",
                    "Re-send the request without confirm to get a new token and confirm within " + describe(ttl) + ".");
        }
        var id = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(body, 1, 1 + ID_BYTES));
        if (!markUsed(id)) {
            throw refused("confirmation_used", "The confirmation token was already used; each token confirms one request.",
                    "Re-send the request without confirm to get a new token if you mean to run it again.");
        }
    }

    /**
     * Forgets used token ids whose tokens have expired, which can no longer be replayed anyway. Safe
     * only when every process sharing the database uses the same or a shorter lifetime.
     */
    public int forgetExpired() {
        var cutoff = USED_AT.format(clock.instant().minus(ttl).minusSeconds(1));
        try (var connection = db.connection();
             var delete = connection.prepareStatement("DELETE FROM used_confirmations WHERE used_at < ?")) {
            delete.setString(1, cutoff);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new ActionException(ErrorKind.INTERNAL, "confirmation_store_failed",
                    "Cannot clean up used confirmations: " + e.getMessage(), "Check that the database is reachable.", null, e);
        }
    }

    /** Reads the key in {@code file}, or creates it with 32 random bytes readable by the owner only. */
    public static byte[] loadOrCreateKey(Path file) {
        try {
            if (!Files.exists(file)) create(file);
            var key = Files.readAllBytes(file);
            if (key.length < KEY_BYTES) {
                throw new IllegalStateException("the confirmation key " + file + " has " + key.length + " bytes, expected "
                        + KEY_BYTES + "; delete it to create a new one (outstanding confirmation tokens become invalid)");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the confirmation key " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        var dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        var key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        var posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        var temp = posix
                ? Files.createTempFile(dir, ".confirm-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".confirm-key", ".tmp");
        try {
            Files.write(temp, key, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            // a hard link never replaces: if another process created the key first, theirs wins and is read back
            try {
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (e instanceof FileAlreadyExistsException) throw (FileAlreadyExistsException) e;
                Files.move(temp, file); // no hard links here: a plain move, which also refuses to replace
            }
        } catch (FileAlreadyExistsException e) {
            // lost the race; the existing key is read by the caller
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private byte[] decode(String token) {
        byte[] bytes;
        try {
            bytes = token == null ? new byte[0] : Base64.getUrlDecoder().decode(token.strip());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != BODY_BYTES + MAC_BYTES || bytes[0] != VERSION) {
            throw refused("confirmation_invalid", "The confirmation token is malformed: it is not a token this server issued.", NEW_TOKEN);
        }
        return bytes;
    }

    private static ActionException mismatchOrInvalid(byte[] body, Binding binding, String actionId) {
        int tags = 1 + ID_BYTES + Long.BYTES;
        if (!Arrays.equals(body, tags, tags + TAG_BYTES, binding.principalTag(), 0, TAG_BYTES)) {
            return refused("confirmation_mismatch", "The confirmation token was issued to another principal.",
                    "Only the principal who received the token can confirm with it; re-send the request without confirm to get your own token.");
        }
        if (!Arrays.equals(body, tags + TAG_BYTES, tags + 2 * TAG_BYTES, binding.actionTag(), 0, TAG_BYTES)) {
            return refused("confirmation_mismatch", "The confirmation token was issued for another action, not " + actionId + ".",
                    "Use the token with the action it was issued for, or re-send this request without confirm to get a token for it.");
        }
        if (!Arrays.equals(body, tags + 2 * TAG_BYTES, tags + 3 * TAG_BYTES, binding.inputTag(), 0, TAG_BYTES)) {
            return refused("confirmation_mismatch", "The input differs from the input the confirmation token was issued for; a token confirms exactly one input.",
                    "Send exactly the input you were shown with the token, or re-send the changed request without confirm to get a new token.");
        }
        return refused("confirmation_invalid", "The confirmation token is invalid: it was altered or issued by another server.", NEW_TOKEN);
    }

    private boolean markUsed(String id) {
        try (var connection = db.writeConnection();
             var insert = connection.prepareStatement(
                     "INSERT INTO used_confirmations (token_id, used_at) VALUES (?, ?) ON CONFLICT (token_id) DO NOTHING")) {
            insert.setString(1, id);
            insert.setString(2, USED_AT.format(clock.instant()));
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new ActionException(ErrorKind.INTERNAL, "confirmation_store_failed",
                    "Cannot record the confirmation as used: " + e.getMessage(),
                    "Retry shortly; the token stays valid until it expires or is used.", null, e);
        }
    }

    private byte[] mac(byte[] body, Binding binding) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(DOMAIN);
            mac.update(body);
            field(mac, binding.principalId().getBytes(StandardCharsets.UTF_8));
            field(mac, binding.actionId().getBytes(StandardCharsets.UTF_8));
            field(mac, binding.inputHash());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Length-prefixed, so that no two different (principal, action) pairs feed the MAC the same bytes. */
    private static void field(Mac mac, byte[] value) {
        mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(value.length).array());
        mac.update(value);
    }

    private static ActionException refused(String code, String message, String hint) {
        return new ActionException(ErrorKind.REFUSED, code, message, hint);
    }

    private static String describe(Duration ttl) {
        var seconds = ttl.toSeconds();
        if (seconds % 60 != 0) return seconds + " seconds";
        var minutes = seconds / 60;
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    /** The intent a token is bound to, with the hashes the MAC and the tags are taken over. */
    private record Binding(String principalId, String actionId, byte[] inputHash) {
        Binding(String principalId, String actionId, JsonNode input) {
            this(principalId, actionId, sha256(CanonicalJson.of(input).getBytes(StandardCharsets.UTF_8)));
        }

        byte[] principalTag() {
            return Arrays.copyOf(sha256(("principal\0" + principalId).getBytes(StandardCharsets.UTF_8)), TAG_BYTES);
        }

        byte[] actionTag() {
            return Arrays.copyOf(sha256(("action\0" + actionId).getBytes(StandardCharsets.UTF_8)), TAG_BYTES);
        }

        byte[] inputTag() {
            return Arrays.copyOf(inputHash, TAG_BYTES);
        }

        private static byte[] sha256(byte[] bytes) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is unavailable", e);
            }
        }
    }
}
