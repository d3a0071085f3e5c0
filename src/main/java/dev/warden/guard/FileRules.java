package dev.warden.guard;

import static dev.warden.guard.Verdict.critical;
import static dev.warden.guard.Verdict.high;
import static dev.warden.guard.Verdict.low;
import static dev.warden.guard.Verdict.medium;
import static dev.warden.guard.Verdict.read;

import dev.warden.guard.ShellScript.Word;
import java.util.List;
import java.util.Set;

/** Rules for commands that delete, write, move or re-permission files, and for writes to a path in general. */
final class FileRules {
    private static final Set<String> CHMOD_FLAGS = Set.of("-R", "-c", "-f", "-v", "-h", "-H", "-L", "-P",
            "--recursive", "--changes", "--silent", "--quiet", "--verbose", "--preserve-root", "--no-preserve-root",
            "--dereference", "--no-dereference");

    private FileRules() {}

    /** What writing to {@code target} does: {@code via} names the writer ("redirect", "tee"). */
    static Verdict write(Word target, String cwd, boolean append, String via) {
        var abs = SystemPaths.absolute(target.text(), target.dynamic(), cwd);
        if (abs == null) {
            if (target.dynamic()) return medium(via + " writes to " + target.text() + ", a file named only at run time");
            return append ? low(via + " appends to " + target.text()) : medium(via + " overwrites " + target.text());
        }
        if (SystemPaths.isHarmlessDevice(abs)) return read(via + " to " + abs + " changes nothing");
        if (abs.equals("/dev/mem") || abs.equals("/dev/kmem") || abs.equals("/dev/port")) {
            return critical(via + " writes to " + abs + ", the machine's live memory");
        }
        if (SystemPaths.isDisk(abs)) return critical(via + " writes to block device " + abs + ", destroying its data");
        if (SystemPaths.isNetwork(abs)) return high(via + " sends data over the network through " + abs);
        if (abs.equals("/proc/sysrq-trigger")) return critical(via + " writes to /proc/sysrq-trigger, which can crash or reboot the machine");
        if (abs.startsWith("/dev/")) return high(via + " writes to device " + abs);
        if (SystemPaths.isSystemPath(abs)) return high(via + " writes to system path " + abs);
        if (SystemPaths.isStartupFile(abs)) return high(via + " changes " + abs + ", which controls logins or shells");
        if (SystemPaths.isCriticalTree(abs)) return high(via + " writes to " + abs);
        return append ? low(via + " appends to " + abs) : medium(via + " overwrites " + abs);
    }

    static Verdict rm(Invocation inv) {
        if (inv.hasLong("--no-preserve-root")) return critical("rm --no-preserve-root allows deleting / itself");
        boolean recursive = inv.hasShort('r') || inv.hasShort('R') || inv.hasLong("--recursive");
        var flags = String.join(" ", inv.args().stream().map(Word::text).filter(t -> t.startsWith("-") && !t.equals("--")).toList());
        var what = "rm" + (flags.isEmpty() ? "" : " " + flags);
        var targets = inv.operands();
        if (targets.isEmpty()) return recursive ? high(what + " deletes whole trees given on its input") : medium(what + " deletes files");
        var generic = recursive ? high(what + " is a recursive delete of " + names(targets)) : medium(what + " deletes " + names(targets));
        Verdict specific = null;
        for (var t : targets) {
            var abs = SystemPaths.absolute(t.text(), t.dynamic(), inv.cwd());
            Verdict v = null;
            if (recursive) {
                v = recursiveTarget(what, t, abs, inv.cwd());
            } else if (SystemPaths.isSystemPath(abs) || SystemPaths.isDisk(abs)) {
                v = high(what + " deletes system file " + abs);
            } else if (SystemPaths.isCriticalTree(abs)) {
                v = high(what + " deletes every file in " + abs);
            }
            if (v != null) specific = specific == null ? v : specific.max(v);
        }
        return specific == null ? generic : specific.max(generic);
    }

    private static Verdict recursiveTarget(String what, Word t, String abs, String cwd) {
        if (SystemPaths.isCriticalTree(abs)) return critical(what + " on " + describe(abs));
        if (abs == null && t.dynamic()) {
            var ifEmpty = SystemPaths.absolute(t.stripped(), false, cwd);
            if (SystemPaths.isCriticalTree(ifEmpty)) {
                return high(what + " on " + t.text() + ", which is " + describe(ifEmpty) + " if its variables are empty");
            }
            return high(what + " on " + t.text() + ", a path known only at run time");
        }
        if (SystemPaths.isSystemPath(abs)) return high(what + " inside system path " + abs);
        if (abs == null && (t.text().equals(".") || t.text().equals("..") || t.text().startsWith("*"))) {
            return high(what + " deletes everything in the current directory, which is not known here");
        }
        return null;
    }

    static String describe(String abs) {
        if (abs.equals("/")) return "/, the whole file system";
        if (abs.startsWith("~")) return "the home directory " + abs;
        if (SystemPaths.hasGlob(abs)) return abs + ", which matches system paths";
        return "a system path " + abs;
    }

    static String names(List<Word> words) {
        var text = String.join(" ", words.stream().map(Word::text).toList());
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    static Verdict copy(Invocation inv, boolean move) {
        var what = inv.name();
        var operands = inv.operands("tSb", "--target-directory", "--suffix");
        var dest = inv.option("-t", "--target-directory");
        Word destWord = dest != null ? Word.literal(dest) : operands.size() >= 2 ? operands.getLast() : null;
        var sources = dest != null ? operands : operands.size() >= 2 ? operands.subList(0, operands.size() - 1) : operands;
        var verdict = move ? medium(what + " moves " + names(sources)) : low(what + " copies " + names(sources));
        if (move) {
            for (var s : sources) {
                var abs = SystemPaths.absolute(s.text(), s.dynamic(), inv.cwd());
                if (SystemPaths.isCriticalTree(abs)) verdict = verdict.max(critical(what + " moves away " + describe(abs)));
                else if (SystemPaths.isSystemPath(abs)) verdict = verdict.max(high(what + " moves system file " + abs));
            }
        }
        if (destWord != null) {
            var abs = SystemPaths.absolute(destWord.text(), destWord.dynamic(), inv.cwd());
            if ("/dev/null".equals(abs) && move) return verdict.max(high(what + " onto /dev/null replaces the device and loses the file"));
            var w = write(destWord, inv.cwd(), false, what);
            if (w.risk().atLeast(dev.warden.action.Risk.HIGH)) verdict = verdict.max(w);
        }
        return verdict;
    }

    static Verdict rsync(Invocation inv) {
        boolean delete = inv.texts().stream().anyMatch(t -> t.startsWith("--delete") || t.startsWith("--remove-source-files"));
        var operands = inv.operands("eT", "--rsh", "--temp-dir", "--exclude", "--include", "--filter");
        var verdict = delete ? high("rsync --delete removes files at the destination") : medium("rsync copies files");
        if (operands.size() >= 2) {
            var dest = operands.getLast();
            var abs = SystemPaths.absolute(dest.text(), dest.dynamic(), inv.cwd());
            if (delete && SystemPaths.isCriticalTree(abs)) return critical("rsync --delete onto " + describe(abs));
            var w = write(dest, inv.cwd(), false, "rsync");
            if (w.risk().atLeast(dev.warden.action.Risk.HIGH)) verdict = verdict.max(w);
        }
        return verdict;
    }

    /** chmod, chown, chgrp: recursive changes are high, on system trees critical. */
    static Verdict permissions(Invocation inv) {
        var name = inv.name();
        boolean recursive = inv.hasShort('R') || inv.hasLong("--recursive");
        boolean reference = inv.texts().stream().anyMatch(t -> t.startsWith("--reference"));
        List<Word> rest = inv.args().stream().filter(w -> !CHMOD_FLAGS.contains(w.text()) && !w.text().startsWith("--")
                && !(w.text().startsWith("-") && w.text().chars().skip(1).allMatch(c -> "Rcfvh".indexOf(c) >= 0))).toList();
        String mode = reference || rest.isEmpty() ? null : rest.getFirst().text();
        var targets = reference || rest.isEmpty() ? rest : rest.subList(1, rest.size());
        var verdict = name.equals("chmod") ? low("chmod changes permissions of " + names(targets))
                : medium(name + " changes ownership of " + names(targets));
        if (recursive) verdict = high(name + " -R changes a whole tree: " + names(targets));
        if (mode != null && name.equals("chmod")) {
            if (mode.contains("s") || mode.length() == 4 && (mode.charAt(0) == '4' || mode.charAt(0) == '2' || mode.charAt(0) == '6')) {
                verdict = verdict.max(high("chmod " + mode + " sets the setuid/setgid bit"));
            } else if (mode.endsWith("777") || mode.endsWith("666") || mode.contains("o+w") || mode.contains("a+w")) {
                verdict = verdict.max(medium("chmod " + mode + " makes files writable by everyone"));
            }
        }
        for (var t : targets) {
            var abs = SystemPaths.absolute(t.text(), t.dynamic(), inv.cwd());
            if (recursive && (SystemPaths.isCriticalTree(abs) || SystemPaths.isSystemPath(abs))) {
                verdict = verdict.max(critical(name + " -R on " + describe(abs)));
            } else if (SystemPaths.isCriticalTree(abs) || SystemPaths.isSystemPath(abs)) {
                verdict = verdict.max(high(name + " on system path " + abs));
            }
        }
        return verdict;
    }

    static Verdict dd(Invocation inv) {
        for (var a : inv.args()) {
            if (a.text().startsWith("of=")) {
                var target = new Word(a.text().substring(3), a.stripped(), a.dynamic(), a.quoted(), List.of());
                var abs = SystemPaths.absolute(target.text(), target.dynamic(), inv.cwd());
                if (abs != null && abs.startsWith("/dev/") && !SystemPaths.isHarmlessDevice(abs)) {
                    return critical("dd writes raw data to device " + abs);
                }
                var w = write(target, inv.cwd(), false, "dd");
                return w.risk() == dev.warden.action.Risk.READ ? w : w.max(low("dd writes " + target.text()));
            }
        }
        return read("dd without of= writes to standard output");
    }

    static Verdict tee(Invocation inv) {
        boolean append = inv.hasShort('a') || inv.hasLong("--append");
        var files = inv.operands();
        if (files.isEmpty()) return read("tee without files only copies its input");
        Verdict verdict = null;
        for (var f : files) {
            var w = write(f, inv.cwd(), append, "tee");
            verdict = verdict == null ? w : verdict.max(w);
        }
        return verdict;
    }

    /** mkdir, touch, truncate, shred, rmdir, unlink, ln: simple writes judged by their targets. */
    static Verdict simpleWrite(Invocation inv, Verdict base) {
        var verdict = base;
        var operands = inv.operands("smtdr", "--size", "--reference", "--mode", "--target-directory");
        if (inv.name().equals("ln") && operands.size() > 1) operands = operands.subList(operands.size() - 1, operands.size());
        for (var t : operands) {
            var abs = SystemPaths.absolute(t.text(), t.dynamic(), inv.cwd());
            if (SystemPaths.isDisk(abs) && (inv.name().equals("shred") || inv.name().equals("truncate"))) {
                verdict = verdict.max(critical(inv.name() + " destroys the data on block device " + abs));
            } else if (SystemPaths.isSystemPath(abs) || SystemPaths.isStartupFile(abs) || abs != null && abs.startsWith("/dev/")) {
                verdict = verdict.max(high(inv.name() + " changes system path " + abs));
            }
        }
        return verdict;
    }

    static Verdict sed(Invocation inv) {
        boolean inPlace = inv.hasLong("--in-place") || inv.hasShort('i');
        var scripts = new java.util.ArrayList<String>();
        var operands = inv.operands("ef", "--expression", "--file");
        for (int i = 0; i < inv.args().size(); i++) {
            var t = inv.args().get(i).text();
            if ((t.equals("-e") || t.equals("--expression")) && inv.arg(i + 1) != null) scripts.add(inv.arg(i + 1));
            if (t.startsWith("--expression=")) scripts.add(t.substring(13));
        }
        var files = operands;
        if (scripts.isEmpty() && inv.option("-f", "--file") == null && !operands.isEmpty()) {
            scripts.add(operands.getFirst().text());
            files = operands.subList(1, operands.size());
        }
        Verdict verdict = inPlace ? medium("sed -i edits " + names(files) + " in place") : read("sed prints edited text");
        for (var s : scripts) verdict = verdict.max(ScriptText.sed(s));
        if (inPlace) {
            for (var f : files) {
                var w = write(f, inv.cwd(), false, "sed -i");
                if (w.risk().atLeast(dev.warden.action.Risk.HIGH)) verdict = verdict.max(w);
            }
        }
        return verdict;
    }

    static Verdict tar(Invocation inv) {
        var modes = new StringBuilder();
        for (var a : inv.args()) {
            var t = a.text();
            if (t.startsWith("--")) {
                if (t.startsWith("--to-command") || t.startsWith("--checkpoint-action=exec") || t.startsWith("--use-compress-program")
                        || t.startsWith("--rsh-command") || t.startsWith("--info-script") || t.startsWith("--new-volume-script")) {
                    return high("tar " + t + " runs another program");
                }
                if (t.equals("--extract") || t.equals("--get")) modes.append('x');
                if (t.equals("--create") || t.equals("--append") || t.equals("--update")) modes.append('c');
                if (t.equals("--delete")) modes.append('d');
            } else if (t.startsWith("-") || a == inv.args().getFirst()) {
                modes.append(t);
            }
        }
        if (modes.indexOf("I") >= 0 || modes.indexOf("F") >= 0) return high("tar -I/-F runs another program");
        if (modes.indexOf("x") >= 0 || modes.indexOf("d") >= 0) {
            var dir = inv.option("-C", "--directory");
            var abs = dir == null ? null : SystemPaths.absolute(dir, false, inv.cwd());
            if (SystemPaths.isCriticalTree(abs) || SystemPaths.isSystemPath(abs)) return high("tar extracts into system path " + abs);
            return medium("tar extracts files, overwriting any with the same names");
        }
        if (modes.indexOf("c") >= 0 || modes.indexOf("r") >= 0 || modes.indexOf("u") >= 0) {
            var file = inv.option("-f", "--file");
            if (file != null && !file.equals("-")) return write(Word.literal(file), inv.cwd(), false, "tar").max(low("tar writes archive " + file));
            return low("tar creates an archive");
        }
        return read("tar lists an archive");
    }

    /** mkfs, fdisk and friends: anything that can rewrite a disk is critical unless it only lists. */
    static Verdict disk(Invocation inv) {
        var name = inv.name();
        var texts = inv.texts();
        boolean list = inv.hasShort('l') || inv.hasLong("--list") || texts.contains("print") || texts.contains("-p")
                || inv.hasLong("--print") || inv.hasLong("--dump") || inv.hasShort('d') && name.equals("sfdisk")
                || inv.hasLong("--help") || inv.hasLong("--version") || texts.contains("-V");
        return switch (name) {
            case "fdisk", "sfdisk", "gdisk", "sgdisk", "parted", "cfdisk" -> list && !texts.contains("mklabel") && !texts.contains("rm")
                    ? read(name + " lists partitions") : critical(name + " can rewrite the partition table");
            case "wipefs" -> inv.hasShort('n') || inv.hasLong("--no-act") || !(inv.hasShort('a') || inv.hasShort('o')
                    || inv.hasLong("--all") || inv.hasLong("--offset")) ? read("wipefs lists signatures")
                    : critical("wipefs erases file system signatures");
            case "hdparm" -> texts.stream().anyMatch(t -> t.startsWith("--security-erase") || t.startsWith("--write-sector")
                    || t.startsWith("--trim-sector") || t.startsWith("--make-bad-sector") || t.equals("--dco-restore"))
                    ? critical("hdparm erases or overwrites the disk") : medium("hdparm changes disk settings");
            case "badblocks" -> inv.hasShort('w') ? critical("badblocks -w overwrites the whole disk") : medium("badblocks scans a disk");
            case "cryptsetup" -> texts.contains("luksFormat") || texts.contains("erase") || texts.contains("luksErase")
                    || texts.contains("reencrypt") ? critical("cryptsetup " + inv.subcommand() + " destroys the data's keys")
                    : texts.contains("status") || texts.contains("luksDump") || texts.contains("isLuks") ? read("cryptsetup shows status")
                    : high("cryptsetup changes encrypted volumes");
            case "fsck", "e2fsck", "xfs_repair" -> inv.hasShort('n') ? read(name + " -n only checks") : high(name + " repairs a file system in place");
            case "tune2fs" -> inv.hasShort('l') ? read("tune2fs -l lists settings") : high("tune2fs changes file system settings");
            case "zpool", "zfs" -> Set.of("list", "status", "get", "iostat", "history", "version").contains(inv.subcommand())
                    ? read(name + " shows storage pools") : high(name + " changes storage pools");
            case "lvremove", "vgremove", "pvremove", "lvreduce", "resize2fs", "lvresize", "vgreduce" -> high(name + " changes storage volumes");
            default -> critical(name + " formats or wipes a device");
        };
    }

    static boolean isDiskTool(String name) {
        return name.startsWith("mkfs") || name.startsWith("mke2fs") || switch (name) {
            case "mkswap", "wipefs", "fdisk", "sfdisk", "gdisk", "sgdisk", "parted", "cfdisk", "blkdiscard", "hdparm",
                 "badblocks", "cryptsetup", "fsck", "e2fsck", "xfs_repair", "tune2fs", "lvremove", "vgremove", "pvremove",
                 "lvreduce", "resize2fs", "zpool", "zfs", "lvresize", "vgreduce", "mkdosfs", "mkntfs", "mklabel" -> true;
            default -> false;
        };
    }
}
