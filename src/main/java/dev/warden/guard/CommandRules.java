package dev.warden.guard;

import static dev.warden.guard.Verdict.critical;
import static dev.warden.guard.Verdict.high;
import static dev.warden.guard.Verdict.low;
import static dev.warden.guard.Verdict.medium;
import static dev.warden.guard.Verdict.read;

import java.util.Set;

/**
 * The risk of one command with wrappers already removed. Commands that run other code (shells, eval,
 * source, find -exec) are handled by {@link CommandAnalyzer}, which sees the whole line.
 */
final class CommandRules {
    static final Set<String> READ_ONLY = Set.of(
            "command", "exec", "builtin", "ls", "dir", "vdir", "cat", "tac", "nl", "head", "tail", "less", "more", "most", "grep", "egrep",
            "fgrep", "rg", "ag", "ack", "zgrep", "locate", "plocate", "wc", "stat", "file", "du", "df", "pwd",
            "echo", "printf", "which", "whereis", "type", "whoami", "id", "groups", "who", "w", "last", "lastlog",
            "cal", "uname", "ps", "pgrep", "pidof", "top", "htop", "btop", "atop", "free", "uptime", "vmstat",
            "iostat", "mpstat", "lsof", "printenv", "true", "false", "test", "[", "[[", "((", ":", "uniq", "cut",
            "tr", "diff", "cmp", "comm", "md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum",
            "b2sum", "cksum", "sum", "basename", "dirname", "realpath", "readlink", "tree", "jq", "yq", "column",
            "fold", "fmt", "paste", "join", "expand", "unexpand", "rev", "seq", "yes", "sleep", "od", "hexdump",
            "strings", "nproc", "lscpu", "lsblk", "lsusb", "lspci", "lsmod", "modinfo", "blkid", "findmnt", "getent",
            "locale", "tty", "arch", "logname", "users", "nslookup", "dig", "host", "ping", "ping6", "traceroute",
            "tracepath", "mtr", "ss", "netstat", "zcat", "bzcat", "xzcat", "zstdcat", "zless", "zmore", "lsattr",
            "getfacl", "namei", "pstree", "whatis", "apropos", "man", "info", "help", "cd", "pushd", "popd", "dirs",
            "read", "mapfile", "readarray", "wait", "jobs", "shift", "getopts", "let", "exit", "return", "break",
            "continue", "set", "shopt", "unset", "declare", "typeset", "local", "readonly", "export", "times",
            "caller", "compgen", "complete", "clear", "reset", "tput", "stty", "base64", "base32", "numfmt",
            "factor", "expr", "bc", "dc", "tsort", "shuf", "look", "envsubst", "iconv", "csplit", "split", "lsns",
            "lslocks", "lsipc", "lsirq", "ulimit", "umask", "nvidia-smi", "sensors", "systemd-analyze", "loginctl",
            "busctl", "lastb", "faillog", "getconf", "ldd", "nm", "objdump", "readelf", "size", "fg", "bg", "disown",
            "unalias", "diff3", "sdiff", "colordiff", "bat", "batcat", "fzf", "fd", "fdfind", "exa", "eza", "lsd",
            "dust", "duf", "ncdu", "glances", "iotop", "iftop", "nethogs", "pv");

    private CommandRules() {}

    static Verdict classify(Invocation inv) {
        var name = inv.name();
        if (FileRules.isDiskTool(name)) return name.startsWith("mk") || name.equals("blkdiscard")
                ? critical(name + " formats or wipes a device") : FileRules.disk(inv);
        if (SystemRules.isPower(name)) return name.equals("kexec") && (inv.hasShort('l') || inv.hasShort('u'))
                ? high("kexec loads a kernel") : SystemRules.power(inv);
        if (SystemRules.isPackageManager(name)) return SystemRules.packages(inv);
        if (SystemRules.isSetting(name)) return SystemRules.settings(inv);
        if (SystemRules.isDownloader(name) || name.equals("ssh") || name.equals("scp") || name.equals("sftp")) {
            return SystemRules.network(inv);
        }
        return switch (name) {
            case "rm" -> FileRules.rm(inv);
            case "unlink" -> FileRules.simpleWrite(inv, medium("unlink deletes a file"));
            case "rmdir" -> FileRules.simpleWrite(inv, low("rmdir removes empty directories"));
            case "shred" -> FileRules.simpleWrite(inv, high("shred destroys file contents beyond recovery"));
            case "truncate" -> FileRules.simpleWrite(inv, high("truncate cuts files, losing their contents"));
            case "mkdir" -> FileRules.simpleWrite(inv, low("mkdir creates directories"));
            case "touch" -> FileRules.simpleWrite(inv, low("touch creates files or updates their times"));
            case "ln" -> FileRules.simpleWrite(inv, low("ln creates links"));
            case "mkfifo", "mknod" -> FileRules.simpleWrite(inv, low(name + " creates special files"));
            case "chattr" -> FileRules.simpleWrite(inv, high("chattr changes file attributes such as immutability"));
            case "setfacl" -> FileRules.simpleWrite(inv, medium("setfacl changes access control lists"));
            case "cp", "install" -> FileRules.copy(inv, false);
            case "mv" -> FileRules.copy(inv, true);
            case "rsync" -> FileRules.rsync(inv);
            case "chmod", "chown", "chgrp" -> FileRules.permissions(inv);
            case "dd" -> FileRules.dd(inv);
            case "tee" -> FileRules.tee(inv);
            case "sed" -> FileRules.sed(inv);
            case "tar" -> FileRules.tar(inv);
            case "unzip", "7z", "unrar" -> inv.hasShort('l') || inv.hasShort('t') || inv.hasShort('Z') || inv.hasArg("l")
                    ? read(name + " lists an archive") : medium(name + " extracts files, overwriting any with the same names");
            case "zip", "gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "unzstd", "lz4", "compress", "uncompress" ->
                    inv.hasShort('c') || inv.hasShort('l') || inv.hasShort('t') || inv.hasLong("--stdout")
                            ? read(name + " writes to standard output") : low(name + " replaces files with (de)compressed ones");
            case "sort" -> inv.option("-o", "--output") != null ? FileRules.write(ShellScript.Word.literal(inv.option("-o", "--output")),
                    inv.cwd(), false, "sort -o").max(low("sort -o writes a file")) : read("sort only reads");
            case "find" -> find(inv);
            case "awk", "gawk", "mawk", "nawk" -> awk(inv);
            case "xxd" -> inv.hasShort('r') && inv.operands().size() > 1 ? low("xxd -r writes a file") : read("xxd only reads");
            case "kill" -> SystemRules.kill(inv);
            case "pkill", "killall", "skill", "slay" -> inv.hasShort('l') && name.equals("killall") ? read("killall -l lists signals")
                    : high(name + " kills every process matching a name");
            case "killall5" -> critical("killall5 signals every process on the system");
            case "systemctl" -> SystemRules.systemctl(inv);
            case "service", "rc-service", "invoke-rc.d" -> SystemRules.service(inv);
            case "iptables", "ip6tables", "nft", "ufw", "firewall-cmd", "iptables-save", "ip6tables-save", "iptables-restore",
                 "ip6tables-restore", "ebtables", "arptables" -> SystemRules.firewall(inv);
            case "useradd", "userdel", "usermod", "adduser", "deluser", "addgroup", "delgroup", "groupadd", "groupdel",
                 "groupmod", "gpasswd", "chpasswd", "newusers", "vipw", "vigr", "visudo", "chsh", "chfn", "pwck", "grpck" ->
                    high(name + " changes user accounts or who may log in");
            case "mount", "umount", "swapon", "swapoff", "losetup" -> SystemRules.mount(inv);
            case "insmod", "rmmod", "depmod" -> high(name + " changes loaded kernel modules");
            case "docker", "podman", "kubectl", "helm", "nerdctl", "crictl", "oc", "docker-compose", "k3s", "lxc", "virsh" ->
                    SystemRules.container(inv);
            case "git" -> GitRules.git(inv);
            case "env", "printenv" -> read("prints the environment");
            case "xargs" -> read("xargs without a command echoes its input");
            case "nice" -> read("nice without a command prints the niceness");
            case "sudo", "doas" -> inv.hasShort('l') || inv.hasShort('v') || inv.hasShort('V') ? read(name + " lists privileges")
                    : inv.hasShort('k') || inv.hasShort('K') ? low(name + " forgets cached credentials")
                    : high(name + " without a command opens a root shell");
            case "su", "runuser", "pkexec" -> high(name + " opens a shell as another user");
            case "sudoedit", "vi", "vim", "nvim", "nano", "emacs", "ed", "ex", "pico", "joe", "mcedit", "micro", "hx" ->
                    FileRules.simpleWrite(inv, medium(name + " edits files interactively"));
            case "python", "python2", "python3", "perl", "ruby", "node", "nodejs", "php", "lua", "Rscript", "pwsh", "tclsh",
                 "deno", "bun", "java", "jshell", "groovy", "scala", "osascript", "expect" -> interpreter(inv);
            case "make", "cmake", "ninja", "mvn", "gradle", "gradlew", "mvnw", "ant", "sbt", "pytest", "tox", "nox", "npx",
                 "pnpx", "bunx", "cargo-run", "just", "task", "rake", "bundle" -> medium(name + " runs project build code");
            case "at", "batch" -> inv.hasShort('l') || inv.hasShort('c') ? read(name + " lists jobs") : medium(name + " schedules commands to run later");
            case "atrm" -> medium("atrm removes scheduled jobs");
            case "openssl", "gpg", "ssh-keygen", "ssh-add", "certbot" -> medium(name + " manages keys or certificates");
            case "history" -> inv.hasShort('c') ? low("history -c clears the shell history") : read("history lists commands");
            case "tmux", "screen" -> medium(name + " runs commands in a terminal session");
            case "enable" -> inv.hasShort('f') ? high("enable -f loads a shared library into the shell") : read("enable lists builtins");
            default -> READ_ONLY.contains(name) ? read(name + " only reads") : name.startsWith("./") || name.contains("/")
                    ? medium("runs the program " + name + ", which is not known")
                    : medium(name + " is not a known command; its effect cannot be judged");
        };
    }

    private static Verdict find(Invocation inv) {
        var texts = inv.texts();
        if (texts.contains("-delete")) {
            for (var start : inv.args()) {
                if (start.text().startsWith("-") || start.text().equals("(") || start.text().equals("!")) break;
                var abs = SystemPaths.absolute(start.text(), start.dynamic(), inv.cwd());
                if (SystemPaths.isCriticalTree(abs)) return critical("find -delete on " + FileRules.describe(abs));
            }
            return high("find -delete deletes every file it matches");
        }
        for (int i = 0; i < texts.size(); i++) {
            var t = texts.get(i);
            if (t.startsWith("-fprint") || t.equals("-fls")) {
                return i + 1 < texts.size() ? FileRules.write(ShellScript.Word.literal(texts.get(i + 1)), inv.cwd(), false, "find " + t)
                        .max(low("find " + t + " writes a file")) : low("find " + t + " writes a file");
            }
        }
        return read("find only lists files");
    }

    private static Verdict awk(Invocation inv) {
        if (inv.option("-f", "--file") != null) return medium("awk runs a program file that is not analysed");
        var operands = inv.operands("vFf", "--assign", "--field-separator");
        return operands.isEmpty() ? read("awk only reads") : ScriptText.awk(operands.getFirst().text());
    }

    private static Verdict interpreter(Invocation inv) {
        var name = inv.name();
        var texts = inv.texts();
        for (int i = 0; i < texts.size(); i++) {
            var t = texts.get(i);
            if (t.equals("-V") || t.equals("--version") || t.equals("-v") && name.startsWith("node")) return read(name + " prints its version");
            if ((t.equals("-c") || t.equals("-e") || t.equals("-E") || t.equals("--eval") || t.equals("-r") && name.startsWith("php")
                    || t.equals("-p") && name.startsWith("node")) && i + 1 < texts.size()) {
                return ScriptText.inlineCode(name, texts.get(i + 1));
            }
            if (t.equals("-m") && i + 1 < texts.size()) {
                var module = texts.get(i + 1);
                if (module.equals("pip")) return SystemRules.packages(new Invocation("pip", inv.args().subList(i + 2, inv.args().size()), inv.cwd()));
                if (module.equals("json.tool") || module.equals("site") || module.equals("platform")) return read(name + " -m " + module + " only reads");
                return medium(name + " -m " + module + " runs a module");
            }
        }
        return medium(name + " runs a program that is not analysed");
    }
}
