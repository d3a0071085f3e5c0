package dev.warden.sandbox;

import dev.warden.action.ActionException;
import dev.warden.action.ErrorKind;
import dev.warden.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What this machine lets Warden's sandbox do, found once by {@link CapabilityProbe}: whether the
 * namespaces, the control group controllers and overlays really work here. A level whose essentials
 * are missing is refused ({@link #require}); limits that are missing but not essential (a cgroup
 * controller) are listed as {@link #unavailable} in every result, so nobody mistakes them for
 * enforced.
 *
 * @param root          Warden runs as root (else isolation uses a user namespace and cannot drop to another uid)
 * @param unshare       the unshare program, or null
 * @param setpriv       the setpriv program, or null (needed when root)
 * @param namespaces    why the namespaces cannot be had, or null when an isolated test run worked
 * @param cgroups       the control group hierarchies found
 * @param controllers   the controllers whose limits could be set: a subset of memory, pids, cpu
 * @param overlay       why an overlay cannot be mounted, or null when a test preview worked
 */
public record Capabilities(boolean root, Path unshare, Path setpriv, String namespaces, Cgroups cgroups,
                           Set<String> controllers, String overlay) {

    public Capabilities {
        controllers = Set.copyOf(controllers);
    }

    /** A machine where only the {@code process} level is available, for {@code reason}. */
    public static Capabilities processOnly(String reason) {
        return new Capabilities(false, null, null, reason, Cgroups.none(), Set.of(), reason);
    }

    /** Why {@code level} cannot be had here, or null when it can. */
    public String missing(SandboxLevel level) {
        return switch (level) {
            case PROCESS -> null;
            case ISOLATED -> namespaces;
            case PREVIEW -> namespaces != null ? namespaces : overlay;
        };
    }

    public boolean available(SandboxLevel level) {
        return missing(level) == null;
    }

    /** Throws the fail-closed error when {@code level} cannot be had. */
    public void require(SandboxLevel level) {
        var why = missing(level);
        if (why == null) return;
        throw new ActionException(ErrorKind.INTERNAL, "sandbox_unavailable",
                "The sandbox level '" + level.id() + "' is not available on this server: " + why
                        + ". The command was not run.",
                "Ask for a level this server has (GET the capability report with `warden doctor`), or have an admin fix"
                        + " the server; Warden never runs a command at a weaker level than asked.",
                Json.object().put("level", level.id()).put("reason", why));
    }

    /** The limits {@code level} has in principle but this machine cannot apply, with the reason. */
    public List<String> unavailable(SandboxLevel level, CgroupLimits wanted) {
        var list = new ArrayList<String>();
        if (level == SandboxLevel.PROCESS) return list;
        if (wanted.memoryBytes() > 0 && !controllers.contains("memory")) list.add("cgroup_memory: " + noController("memory"));
        if (wanted.pids() > 0 && !controllers.contains("pids")) list.add("cgroup_pids: " + noController("pids"));
        if (wanted.cpus() > 0 && !controllers.contains("cpu")) list.add("cgroup_cpu: " + noController("cpu"));
        if (!root) list.add("uid_drop: Warden does not run as root; the command runs as Warden's own user");
        return list;
    }

    private String noController(String name) {
        return cgroups.version() == Cgroups.Version.NONE ? "no cgroup hierarchy is mounted"
                : "the " + name + " controller is not available or not writable (" + cgroups.version().name().toLowerCase() + ")";
    }

    /** The whole report, for {@code warden doctor} and for tests: each level, what it enforces and lacks. */
    public JsonNode report(CgroupLimits wanted) {
        var node = Json.object();
        node.put("root", root);
        node.put("unshare", unshare == null ? null : unshare.toString());
        node.put("setpriv", setpriv == null ? null : setpriv.toString());
        node.put("cgroupVersion", cgroups.version().name().toLowerCase());
        controllers.stream().sorted().forEach(node.putArray("cgroupControllers")::add);
        if (controllers.isEmpty()) node.putArray("cgroupControllers");
        var levels = node.putObject("levels");
        for (var level : SandboxLevel.values()) {
            var entry = levels.putObject(level.id());
            entry.put("available", available(level));
            if (!available(level)) entry.put("reason", missing(level));
            var unavailable = entry.putArray("unavailable");
            unavailable(level, wanted).forEach(unavailable::add);
        }
        return node;
    }
}
