package dev.warden.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A command running in a preview: the process, and the overlays whose upper directories collect
 * what it writes. Read {@link #changes()} once the process has ended (the overlays are gone with
 * its mount namespace).
 */
public record PreviewRun(RunningProcess process, List<Overlay> overlays) {
    public PreviewRun {
        overlays = List.copyOf(overlays);
    }

    /** Every file the command created, modified or deleted under any root, in path order per root. */
    public List<FileChange> changes() {
        var all = new ArrayList<FileChange>();
        overlays.forEach(o -> all.addAll(OverlayChanges.scan(o)));
        return all;
    }
}
