package dev.warden.journal;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import com.google.common.util.concurrent.Striped;

/**
 * Exclusive use of a path for one call, from the moment an action says it will change the path
 * until its undo entry is committed or dropped. Without it two calls changing one file could both
 * keep the same pre-image, or one could overwrite the other's edit unseen. Locks are striped by
 * path, so memory stays bounded; a call that cannot get a lock in time is refused rather than left
 * waiting, which also breaks any cycle between two calls that each hold what the other wants.
 * This orders calls within one Warden process; the CLI on the same data dir is not covered.
 */
final class PathLocks {
    private final Striped<Lock> stripes = Striped.lock(1024);
    private final Duration wait;

    PathLocks(Duration wait) {
        this.wait = wait;
    }

    Lock acquire(Path path) {
        var lock = stripes.get(path);
        boolean locked;
        try {
            locked = lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            throw new ActionException(ErrorKind.CONFLICT, "path_busy",
                    "Another call is changing " + path + " and did not finish within " + wait.toSeconds() + " s.",
                    "Retry in a moment; call fs.stat on the path to see its current state.");
        }
        return lock;
    }
}
