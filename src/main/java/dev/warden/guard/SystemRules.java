package dev.warden.guard;

import static dev.warden.guard.Verdict.critical;
import static dev.warden.guard.Verdict.high;
import static dev.warden.guard.Verdict.low;
import static dev.warden.guard.Verdict.medium;
import static dev.warden.guard.Verdict.read;

import dev.warden.guard.ShellScript.Word;
import java.util.Set;

/** Rules for commands that change the running system: processes, services, power, packages, users, network. */
final class SystemRules {
    private static final Set<String> KILL_SIGNALS = Set.of("9", "KILL", "SIGKILL");
    private static final Set<String> SYSTEMCTL_READ = Set.of("status", "show", "list-units", "list-unit-files",
            "list-sockets", "list-timers", "list-jobs", "list-dependencies", "list-machines", "is-active", "is-enabled",
            "is-failed", "is-system-running", "cat", "get-default", "show-environment", "help", "--version", "--help");
    private static final Set<String> SYSTEMCTL_HIGH = Set.of("stop", "restart", "disable", "mask", "kill", "isolate",
            "try-restart", "reload-or-restart", "try-reload-or-restart", "condrestart", "force-reload", "reset-failed",
            "set-default", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "revert", "preset", "preset-all",
            "switch-root", "link", "edit", "set-property", "unset-environment", "set-environment", "import-environment");
    private static final Set<String> SYSTEMCTL_CRITICAL = Set.of("reboot", "poweroff", "halt", "kexec", "rescue",
            "emergency", "soft-reboot", "exit");
    private static final Set<String> PACKAGE_CHANGES = Set.of("install", "reinstall", "remove", "purge", "autoremove",
            "erase", "upgrade", "dist-upgrade", "full-upgrade", "update", "downgrade", "uninstall", "add", "del",
            "localinstall", "groupinstall", "groupremove", "autopurge", "build-dep", "swap", "distro-sync", "dsync",
            "refresh", "ci", "i", "rm", "link", "unlink", "fix", "dedupe", "prune");
    private static final Set<String> PACKAGE_QUERIES = Set.of("list", "search", "show", "info", "policy", "depends",
            "rdepends", "madison", "showpkg", "showsrc", "stats", "pkgnames", "dump", "changelog", "provides", "whatprovides",
            "repolist", "check-update", "check", "freeze", "history", "ls", "view", "outdated", "audit", "why", "query",
            "files", "owner", "contents", "version", "--version", "-v", "-V", "help", "--help", "config", "doctor", "deps",
            "inspect", "download", "cache", "explain", "leaves", "uses");

    private SystemRules() {}

    static Verdict kill(Invocation inv) {
        var texts = inv.texts();
        if (texts.isEmpty() || texts.contains("-l") || texts.contains("-L") || texts.contains("--list")) return read("kill lists signals");
        boolean strong = false;
        var pids = new java.util.ArrayList<String>();
        boolean rest = false;
        for (int i = 0; i < texts.size(); i++) {
            var t = texts.get(i);
            if (rest) {
                pids.add(t);
            } else if (t.equals("--")) {
                rest = true;
            } else if (t.equals("-s") || t.equals("-n") || t.equals("--signal")) {
                strong |= i + 1 < texts.size() && KILL_SIGNALS.contains(texts.get(i + 1).toUpperCase(java.util.Locale.ROOT));
                i++;
            } else if (t.startsWith("-") && i == 0 && texts.size() > 1) {
                strong |= KILL_SIGNALS.contains(t.substring(1).toUpperCase(java.util.Locale.ROOT));
            } else {
                pids.add(t);
            }
        }
        if (pids.contains("-1") || pids.isEmpty() && texts.equals(java.util.List.of("-1"))) {
            return critical("kill -1 signals every process the user can reach");
        }
        if (pids.contains("1")) return critical("kill of PID 1 (init) brings the system down");
        if (texts.size() >= 1 && texts.getFirst().equals("-0")) return read("kill -0 only checks that a process exists");
        Verdict verdict = strong ? high("kill -9 stops processes without letting them clean up") : medium("kill signals processes " + pids);
        for (var p : pids) {
            if (p.equals("0") || p.startsWith("-")) verdict = verdict.max(high("kill " + p + " signals a whole process group"));
        }
        return verdict;
    }

    static Verdict systemctl(Invocation inv) {
        var sub = inv.operands("tpHMn", "--type", "--property", "--host", "--machine", "--signal", "--state", "--root").stream()
                .map(Word::text).findFirst().orElse("list-units");
        if (SYSTEMCTL_CRITICAL.contains(sub)) return critical("systemctl " + sub + " takes the whole machine down");
        if (SYSTEMCTL_HIGH.contains(sub)) return high("systemctl " + sub + " interrupts or disables services");
        if (SYSTEMCTL_READ.contains(sub) || sub.startsWith("list-")) return read("systemctl " + sub + " only shows state");
        return medium("systemctl " + sub + " changes services");
    }

    static Verdict service(Invocation inv) {
        var texts = inv.texts();
        if (texts.contains("--status-all")) return read("service --status-all lists services");
        var action = texts.size() >= 2 ? texts.get(1) : "status";
        return switch (action) {
            case "status" -> read("service status only shows state");
            case "start", "reload" -> medium("service " + action + " changes a service");
            default -> high("service " + action + " interrupts or changes a service");
        };
    }

    static Verdict power(Invocation inv) {
        var name = inv.name();
        var texts = inv.texts();
        if (name.equals("shutdown") && texts.contains("-c")) return medium("shutdown -c cancels a pending shutdown");
        if (texts.contains("--help") || texts.contains("--version")) return read(name + " prints help");
        if (name.equals("init") || name.equals("telinit")) {
            var level = texts.isEmpty() ? "" : texts.getFirst();
            return switch (level) {
                case "0", "6" -> critical(name + " " + level + " halts or reboots the machine");
                case "1", "s", "S", "emergency", "rescue" -> high(name + " " + level + " drops to single-user mode");
                case "", "q", "Q", "u", "U" -> medium(name + " re-examines its configuration");
                default -> high(name + " " + level + " changes the run level");
            };
        }
        return critical(name + " shuts down or reboots the machine");
    }

    static boolean isPower(String name) {
        return switch (name) {
            case "shutdown", "reboot", "halt", "poweroff", "init", "telinit", "kexec" -> true;
            default -> false;
        };
    }

    /** apt, dnf, pip, npm and the rest: installing or removing software is high; queries read. */
    static Verdict packages(Invocation inv) {
        var name = inv.name();
        var texts = inv.texts();
        switch (name) {
            case "dpkg" -> {
                for (var t : texts) {
                    if (Set.of("-i", "--install", "-r", "--remove", "-P", "--purge", "--configure", "--unpack", "-a",
                            "--set-selections", "--clear-selections", "--force-all").contains(t)) return high("dpkg " + t + " changes installed packages");
                }
                return read("dpkg queries packages");
            }
            case "rpm" -> {
                boolean change = texts.stream().anyMatch(t -> t.startsWith("-") && !t.startsWith("--")
                        && (t.contains("i") || t.contains("U") || t.contains("F") || t.contains("e")) && !t.startsWith("-q"))
                        || texts.contains("--install") || texts.contains("--upgrade") || texts.contains("--erase");
                return change ? high("rpm changes installed packages") : read("rpm queries packages");
            }
            case "pacman", "yay", "paru" -> {
                var first = texts.isEmpty() ? "" : texts.getFirst();
                return first.startsWith("-Q") || first.startsWith("-Ss") || first.startsWith("-Si") || first.startsWith("-F")
                        ? read(name + " queries packages") : high(name + " " + first + " changes installed packages");
            }
            case "apt-cache", "dpkg-query", "apt-file", "apt-mark" -> {
                return name.equals("apt-mark") && !texts.contains("showhold") && !texts.contains("showauto")
                        && !texts.contains("showmanual") ? medium("apt-mark changes package marks") : read(name + " queries packages");
            }
            case "dpkg-reconfigure", "update-alternatives", "update-grub", "grub-install", "update-initramfs" -> {
                return texts.contains("--display") || texts.contains("--list") || texts.contains("--query")
                        ? read(name + " shows settings") : high(name + " changes how the system boots or runs");
            }
            default -> { }
        }
        var sub = inv.subcommand();
        if (sub == null) return name.equals("brew") || name.startsWith("pip") ? read(name + " prints help") : medium(name + " without a command");
        if (name.startsWith("pip") || name.equals("uv") && texts.contains("pip")) {
            if (name.equals("uv")) sub = texts.get(texts.indexOf("pip") + 1 < texts.size() ? texts.indexOf("pip") + 1 : 0);
        }
        if (Set.of("npm", "yarn", "pnpm", "bun", "cargo", "go", "gem", "composer").contains(name)) return language(inv, sub);
        if (name.equals("apt") || name.equals("apt-get") || name.equals("aptitude") || name.equals("nala")) {
            if (sub.equals("update")) return medium(name + " update refreshes the package lists");
            if (sub.equals("clean") || sub.equals("autoclean") || sub.equals("download") || sub.equals("source")) return low(name + " " + sub);
        }
        if (PACKAGE_CHANGES.contains(sub)) return high(name + " " + sub + " changes installed software");
        if (PACKAGE_QUERIES.contains(sub)) return read(name + " " + sub + " only queries packages");
        return medium(name + " " + sub);
    }

    private static Verdict language(Invocation inv, String sub) {
        var name = inv.name();
        boolean global = inv.hasShort('g') || inv.hasLong("--global") || inv.hasArg("global");
        return switch (sub) {
            case "install", "i", "add", "ci", "update", "upgrade", "uninstall", "remove", "rm", "un", "get" -> global
                    || name.equals("gem") ? high(name + " " + sub + " changes software for the whole system")
                    : medium(name + " " + sub + " changes project dependencies and may run their install scripts");
            case "ls", "list", "view", "info", "outdated", "audit", "why", "explain", "version", "--version", "help", "search",
                 "env", "doc", "vet", "fmt", "tree", "config", "show" -> name.equals("go") && sub.equals("fmt") || sub.equals("config") && inv.args().size() > 2
                    ? low(name + " " + sub + " changes files") : read(name + " " + sub + " only reads");
            case "publish", "unpublish", "deprecate", "owner", "yank" -> high(name + " " + sub + " changes a public registry");
            default -> medium(name + " " + sub + " runs project code");
        };
    }

    static boolean isPackageManager(String name) {
        return switch (name) {
            case "apt", "apt-get", "aptitude", "nala", "dpkg", "yum", "dnf", "microdnf", "zypper", "pacman", "yay", "paru",
                 "apk", "rpm", "snap", "flatpak", "brew", "port", "pip", "pip3", "pipx", "uv", "conda", "mamba", "npm",
                 "yarn", "pnpm", "bun", "gem", "cargo", "go", "composer", "apt-cache", "dpkg-query", "apt-file", "apt-mark",
                 "dpkg-reconfigure", "update-alternatives", "update-grub", "grub-install", "update-initramfs", "emerge",
                 "nix-env", "guix", "opkg", "pkg", "xbps-install", "xbps-remove", "eopkg", "swupd" -> true;
            default -> name.startsWith("pip3.") || name.startsWith("pip2");
        };
    }

    static Verdict firewall(Invocation inv) {
        var name = inv.name();
        var texts = inv.texts();
        boolean list = switch (name) {
            case "nft" -> texts.contains("list") && !texts.contains("flush");
            case "ufw" -> texts.isEmpty() || texts.contains("status") || texts.contains("show");
            case "firewall-cmd" -> texts.stream().allMatch(t -> t.startsWith("--list") || t.startsWith("--get") || t.startsWith("--query")
                    || t.equals("--state") || t.startsWith("--zone") || t.equals("--permanent"));
            case "iptables-save", "ip6tables-save" -> true;
            default -> texts.stream().anyMatch(t -> t.equals("-L") || t.equals("-S") || t.equals("--list") || t.equals("--list-rules")
                    || isListCluster(t))
                    && texts.stream().noneMatch(t -> t.equals("-F") || t.equals("-X") || t.equals("-A") || t.equals("-D")
                    || t.equals("-I") || t.equals("-P") || t.equals("--flush") || t.equals("-Z"));
        };
        return list ? read(name + " lists firewall rules") : high(name + " changes the firewall, which can cut off access");
    }

    private static boolean isListCluster(String t) {
        if (t.length() < 2 || t.charAt(0) != '-' || t.charAt(1) == '-' || t.indexOf('L') < 0) return false;
        for (int i = 1; i < t.length(); i++) {
            if ("nvxL".indexOf(t.charAt(i)) < 0) return false;
        }
        return true;
    }

    static Verdict mount(Invocation inv) {
        var texts = inv.texts();
        if (inv.name().equals("mount") && (texts.isEmpty() || texts.equals(java.util.List.of("-l")) || texts.contains("--show")
                || texts.size() == 2 && texts.getFirst().equals("-t"))) return read("mount lists mounted file systems");
        if (inv.name().equals("swapon") && (texts.isEmpty() || texts.contains("--show") || texts.contains("-s"))) return read("swapon shows swap");
        return high(inv.name() + " changes mounted file systems");
    }

    /** ip, ifconfig, route, nmcli, hostname, date and other tools that both show and change settings. */
    static Verdict settings(Invocation inv) {
        var name = inv.name();
        var texts = inv.texts();
        var ops = inv.operands();
        return switch (name) {
            case "ip" -> texts.stream().anyMatch(t -> Set.of("add", "del", "delete", "set", "flush", "change", "replace",
                    "append", "prepend", "down", "up", "exec").contains(t)) ? high("ip changes network configuration")
                    : read("ip shows network configuration");
            case "ifconfig" -> ops.size() <= 1 ? read("ifconfig shows interfaces") : high("ifconfig changes an interface");
            case "route" -> texts.contains("add") || texts.contains("del") ? high("route changes routing") : read("route shows routes");
            case "nmcli" -> texts.stream().anyMatch(t -> Set.of("up", "down", "delete", "modify", "add", "connect", "disconnect",
                    "off", "reload").contains(t)) ? high("nmcli changes network connections") : read("nmcli shows network state");
            case "ifup", "ifdown", "dhclient", "netplan", "brctl", "ethtool", "tc", "iw", "iwconfig" -> texts.isEmpty()
                    || name.equals("netplan") && texts.contains("get") ? read(name + " shows settings") : high(name + " changes network settings");
            case "hostname" -> ops.isEmpty() && !texts.contains("-F") && !texts.contains("--file") && !texts.contains("-b")
                    ? read("hostname prints the host name") : high("hostname renames the machine");
            case "hostnamectl", "timedatectl", "localectl" -> ops.isEmpty() || ops.getFirst().text().equals("status")
                    || ops.getFirst().text().startsWith("list") || ops.getFirst().text().equals("show")
                    ? read(name + " shows settings") : high(name + " " + ops.getFirst().text() + " changes system settings");
            case "date" -> inv.hasShort('s') || inv.hasLong("--set") || ops.stream().anyMatch(o -> !o.text().startsWith("+"))
                    && !inv.hasShort('d') && !inv.hasLong("--date") && !inv.hasShort('r') && !inv.hasShort('f')
                    ? high("date sets the system clock") : read("date prints the date");
            case "hwclock" -> inv.hasShort('w') || inv.hasShort('s') || inv.hasLong("--systohc") || inv.hasLong("--hctosys")
                    || inv.hasLong("--set") ? high("hwclock sets a clock") : read("hwclock shows the hardware clock");
            case "sysctl" -> inv.hasShort('w') || inv.hasShort('p') || inv.hasLong("--write") || inv.hasLong("--load")
                    || inv.hasLong("--system") || ops.stream().anyMatch(o -> o.text().contains("="))
                    ? high("sysctl changes kernel parameters") : read("sysctl shows kernel parameters");
            case "modprobe" -> inv.hasShort('n') || inv.hasLong("--dry-run") || inv.hasShort('c') ? read("modprobe dry run")
                    : high("modprobe loads or unloads kernel modules");
            case "crontab" -> inv.hasShort('l') ? read("crontab -l lists the crontab")
                    : inv.hasShort('r') ? high("crontab -r deletes the whole crontab")
                    : inv.hasShort('e') ? medium("crontab -e edits scheduled commands") : high("crontab replaces the scheduled commands");
            case "passwd", "chage" -> inv.hasShort('S') || inv.hasShort('l') && name.equals("chage") ? read(name + " shows account status")
                    : high(name + " changes account credentials");
            case "journalctl" -> texts.stream().anyMatch(t -> t.startsWith("--vacuum") || t.equals("--rotate") || t.equals("--flush")
                    || t.startsWith("--setup-keys") || t.equals("--relinquish-var")) ? medium("journalctl removes or rotates logs")
                    : read("journalctl reads logs");
            case "dmesg" -> inv.hasShort('c') || inv.hasShort('C') || inv.hasLong("--clear") || inv.hasLong("--read-clear")
                    || inv.hasShort('n') ? medium("dmesg clears or changes the kernel log") : read("dmesg reads the kernel log");
            default -> medium(name + " changes settings");
        };
    }

    static boolean isSetting(String name) {
        return switch (name) {
            case "ip", "ifconfig", "route", "nmcli", "ifup", "ifdown", "dhclient", "netplan", "brctl", "ethtool", "tc", "iw",
                 "iwconfig", "hostname", "hostnamectl", "timedatectl", "localectl", "date", "hwclock", "sysctl", "modprobe",
                 "crontab", "passwd", "chage", "journalctl", "dmesg" -> true;
            default -> false;
        };
    }

    static Verdict container(Invocation inv) {
        var name = inv.name();
        var ops = inv.operands("CHcfnl", "--context", "--namespace", "--kubeconfig", "--host", "--config", "--log-level", "--file", "-f");
        var sub = ops.isEmpty() ? "" : ops.getFirst().text();
        if (sub.equals("compose") || sub.equals("system") || sub.equals("container") || sub.equals("image")
                || sub.equals("volume") || sub.equals("network") || sub.equals("rollout")) {
            sub = ops.size() > 1 ? sub + " " + ops.get(1).text() : sub;
        }
        var texts = inv.texts();
        boolean hostAccess = texts.stream().anyMatch(t -> t.equals("--privileged") || t.startsWith("--pid=host")
                || t.startsWith("--net=host") || t.startsWith("--network=host") || t.startsWith("/:") || t.startsWith("--volume=/:")
                || t.contains("/var/run/docker.sock") || t.startsWith("--cap-add"));
        if (hostAccess) return high(name + " " + sub + " gives a container access to the host");
        var last = sub.contains(" ") ? sub.substring(sub.indexOf(' ') + 1) : sub;
        return switch (last) {
            case "", "ps", "images", "ls", "logs", "inspect", "version", "info", "stats", "top", "history", "search", "port",
                 "diff", "get", "describe", "explain", "api-resources", "api-versions", "cluster-info", "events", "status",
                 "config", "df", "list", "show", "view", "top-node", "auth", "can-i", "whoami" -> read(name + " " + sub + " only shows state");
            case "rm", "rmi", "kill", "stop", "down", "prune", "delete", "drain", "cordon", "taint", "uninstall", "destroy",
                 "restart", "pause", "undo" -> high(name + " " + sub + " stops or removes running workloads");
            default -> medium(name + " " + sub + " changes containers or workloads");
        };
    }

    /** curl, wget and other network clients: a fetch is medium, sending a local file away is high. */
    static Verdict network(Invocation inv) {
        var name = inv.name();
        var texts = inv.texts();
        for (int i = 0; i < texts.size(); i++) {
            var t = texts.get(i);
            var next = i + 1 < texts.size() ? texts.get(i + 1) : "";
            if ((t.equals("-F") || t.equals("--form") || t.startsWith("--data") || t.equals("-d")) && next.contains("@")
                    || t.equals("-T") || t.equals("--upload-file") || t.startsWith("--post-file") || t.startsWith("--body-file")) {
                return high(name + " uploads a local file to the network");
            }
            if ((name.equals("nc") || name.equals("ncat") || name.equals("netcat")) && (t.equals("-e") || t.equals("-c")
                    || t.startsWith("--exec") || t.startsWith("--sh-exec") || t.startsWith("--lua-exec"))) {
                return critical(name + " " + t + " connects a program (a shell) to the network");
            }
            if (name.equals("socat") && (t.toLowerCase(java.util.Locale.ROOT).contains("exec:") || t.toLowerCase(java.util.Locale.ROOT).contains("system:"))) {
                return critical("socat connects a program (a shell) to the network");
            }
        }
        var out = inv.option("-o", "--output");
        if (name.equals("wget")) out = inv.option("-O", "--output-document");
        if (out != null && !out.equals("-")) {
            var w = FileRules.write(Word.literal(out), inv.cwd(), false, name);
            if (w.risk().atLeast(dev.warden.action.Risk.HIGH)) return w;
        }
        if (name.equals("ssh") || name.equals("scp") || name.equals("sftp")) return medium(name + " connects to another machine");
        if ((name.equals("nc") || name.equals("ncat") || name.equals("netcat")) && inv.hasShort('l')) return medium(name + " -l listens for connections");
        return medium(name + " reaches the network");
    }

    static boolean isDownloader(String name) {
        return switch (name) {
            case "curl", "wget", "fetch", "http", "https", "xh", "xhs", "aria2c", "lwp-request", "lwp-download", "GET", "POST",
                 "nc", "ncat", "netcat", "socat", "tftp", "ftp", "curlie", "httpie", "wget2" -> true;
            default -> false;
        };
    }
}
