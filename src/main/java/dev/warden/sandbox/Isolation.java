package dev.warden.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * What an isolated run may touch: the roots it may write (each either bound as it is, or seen
 * through an {@link Overlay} for a preview), whether it has the network, and Warden's own paths:
 * a directory among them (the data dir) is hidden altogether, a file (a policy or config file kept
 * in a root) is made read-only. Everything else is mounted read-only.
 */
public record Isolation(List<Path> roots, List<Overlay> overlays, boolean network, List<Path> hidden) {
    public Isolation {
        roots = List.copyOf(roots);
        overlays = List.copyOf(overlays);
        hidden = List.copyOf(hidden);
    }

    /** The roots writable, no overlays. */
    public static Isolation of(List<Path> roots, boolean network, List<Path> hidden) {
        return new Isolation(roots, List.of(), network, hidden);
    }

    /** Every root seen through its overlay: nothing real is written. */
    public static Isolation preview(List<Overlay> overlays, boolean network, List<Path> hidden) {
        return new Isolation(List.of(), overlays, network, hidden);
    }

    /** All the paths the command may write to: the roots and the overlaid roots. */
    public List<Path> writable() {
        var all = new java.util.ArrayList<>(roots);
        overlays.forEach(o -> all.add(o.root()));
        return List.copyOf(all);
    }
}
