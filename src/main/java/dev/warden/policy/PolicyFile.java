package dev.warden.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force, read from its file and read again when the file changes. A file that does
 * not validate leaves the policy in force untouched; its problems are kept for the admin API and
 * logged. Each reload, good or bad, is reported to the watcher's listener (which audits it) with
 * the file's SHA-256, so the trail says which policy decided what.
 */
public final class PolicyFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolicyFile.class);

    /** One attempt to load the file: the hash of what was read, and its problems (empty when it took effect). */
    public record Reload(Instant at, String sha256, boolean applied, List<PolicyProblem> problems) {
        public Reload {
            problems = List.copyOf(problems);
        }
    }

    private final Path file;
    private final Clock clock;
    private volatile Policy current;
    private volatile String currentText;
    private volatile String currentSha256;
    private volatile Instant loadedAt;
    private volatile Reload last;
    private volatile Thread watcher;
    private String seenSha256;

    /** A policy that refuses everything: what a project gets while its own file has never validated. */
    static final String DENY_ALL = "version: 1\ndefault: deny\n";

    /**
     * Loads {@code file}, which must be valid: Warden does not start on a broken policy.
     * {@code clock} is the one rules read ({@code context.hour}) and reloads are timed by.
     */
    public PolicyFile(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        var text = read();
        this.current = Policy.parse(text, file.toString(), clock);
        this.currentText = text;
        this.currentSha256 = sha256(text);
        this.seenSha256 = currentSha256;
        this.loadedAt = clock.instant();
        this.last = new Reload(loadedAt, currentSha256, true, List.of());
    }

    /**
     * A file that may be broken from the start (a project's policy): until it validates, the policy
     * in force refuses everything, so a typo in a stricter policy never loosens it.
     */
    static PolicyFile failClosed(Path file, Clock clock) {
        var holder = new PolicyFile(file, clock, Policy.parse(DENY_ALL, file + " (refusing all until the file is valid)", clock));
        holder.reloadIfChanged();
        return holder;
    }

    private PolicyFile(Path file, Clock clock, Policy denyAll) {
        this.file = file;
        this.clock = clock;
        this.current = denyAll;
        this.currentText = DENY_ALL;
        this.currentSha256 = sha256(DENY_ALL);
        this.seenSha256 = "";
        this.loadedAt = clock.instant();
        this.last = new Reload(loadedAt, currentSha256, false, List.of());
    }

    public Policy current() {
        return current;
    }

    /** The text of the policy in force (not of a newer file that was refused). */
    public String text() {
        return currentText;
    }

    public String sha256() {
        return currentSha256;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** The newest attempt, which may have been refused. */
    public Reload lastReload() {
        return last;
    }

    public Path path() {
        return file;
    }

    /** Reads the file again if its content changed; returns the attempt, or null when nothing changed. */
    public synchronized Reload reloadIfChanged() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // An editor's save may briefly remove the file; the next check will see it.
            return null;
        }
        var hash = sha256(text);
        if (hash.equals(seenSha256)) return null;
        seenSha256 = hash;
        var problems = Policy.validate(text, file.toString());
        Reload reload;
        if (problems.isEmpty()) {
            current = Policy.parse(text, file.toString(), clock);
            currentText = text;
            currentSha256 = hash;
            loadedAt = clock.instant();
            reload = new Reload(loadedAt, hash, true, List.of());
            log.info("policy reloaded from {} (sha256 {})", file, hash);
        } else {
            reload = new Reload(clock.instant(), hash, false, problems);
            log.error("policy file {} changed but has {} problem(s); the policy in force stays: {}", file, problems.size(),
                    problems.getFirst());
        }
        last = reload;
        return reload;
    }

    /** Checks the file every {@code interval} on a virtual thread until closed; each attempt goes to {@code onReload}. */
    public PolicyFile watch(Duration interval, Consumer<Reload> onReload) {
        watcher = Thread.ofVirtual().name("warden-policy-watch").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                    var reload = reloadIfChanged();
                    if (reload != null) onReload.accept(reload);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.error("checking the policy file failed", e);
                }
            }
        });
        return this;
    }

    @Override
    public void close() {
        if (watcher != null) watcher.interrupt();
    }

    private String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(file.toString(), 0, 0, "", "cannot read the policy file: " + e.getMessage())));
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
