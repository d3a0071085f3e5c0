package dev.warden.actions.fs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;

/**
 * User names of file owners, by uid. Asking the attributes for the owner's name looks the user up
 * in the password database on every call, the largest cost of an {@code fs.stat}; the uid comes
 * with the stat itself. Names are kept for a minute, so a renamed user shows within that time.
 */
final class OwnerNames {
    private final Cache<Integer, String> byUid =
            Caffeine.newBuilder().maximumSize(1_024).expireAfterWrite(Duration.ofMinutes(1)).build();

    String nameOf(Path path, PosixFileAttributes attrs) throws IOException {
        Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!(uid instanceof Integer id)) return attrs.owner().getName();
        var cached = byUid.getIfPresent(id);
        if (cached != null) return cached;
        var name = attrs.owner().getName();
        byUid.put(id, name);
        return name;
    }
}
