package dev.warden.guard;

import static dev.warden.guard.Verdict.high;
import static dev.warden.guard.Verdict.low;
import static dev.warden.guard.Verdict.medium;
import static dev.warden.guard.Verdict.read;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** git: reading history is read, committing medium, rewriting or discarding work high. */
final class GitRules {
    private static final Set<String> READ = Set.of("status", "log", "diff", "show", "rev-parse", "ls-files", "ls-tree",
            "ls-remote", "blame", "shortlog", "describe", "cat-file", "whatchanged", "version", "help", "grep", "rev-list",
            "show-ref", "for-each-ref", "name-rev", "merge-base", "count-objects", "fsck", "verify-commit", "verify-tag",
            "check-ignore", "check-attr", "show-branch", "range-diff", "var", "cherry", "annotate", "difftool");
    private static final Set<String> LOW = Set.of("add", "fetch", "init", "clone", "stage", "notes", "bundle", "archive");
    /** Config keys whose value is a command git will run. */
    private static final String[] COMMAND_KEYS = {"pager", "editor", "sshcommand", "fsmonitor", "hookspath", "askpass",
            "textconv", "external", "alias.", "command", "proxy", "credential.helper", "sequence.editor", "filter."};

    private GitRules() {}

    static Verdict git(Invocation inv) {
        var args = inv.texts();
        var rest = new ArrayList<String>();
        Verdict config = null;
        int i = 0;
        for (; i < args.size(); i++) {
            var t = args.get(i);
            if (t.equals("-c") && i + 1 < args.size()) {
                config = runsCommand(args.get(++i)) ? high("git -c " + args.get(i) + " makes git run a command") : config;
            } else if (t.equals("-C") || t.equals("--git-dir") || t.equals("--work-tree") || t.equals("--namespace")) {
                i++;
            } else if (t.startsWith("--config-env") || t.startsWith("--exec-path=")) {
                config = high("git " + t + " changes what git runs");
            } else if (!t.startsWith("-")) {
                break;
            }
        }
        for (; i < args.size(); i++) rest.add(args.get(i));
        var verdict = sub(rest);
        return config == null ? verdict : verdict.max(config);
    }

    private static Verdict sub(List<String> rest) {
        if (rest.isEmpty()) return read("git prints help");
        var sub = rest.getFirst();
        var args = rest.subList(1, rest.size());
        boolean force = args.stream().anyMatch(a -> a.equals("-f") || a.equals("--force") || a.startsWith("--force-with-lease")
                || a.startsWith("--force-if-includes") || a.startsWith("-") && !a.startsWith("--") && a.contains("f"));
        if (READ.contains(sub)) return read("git " + sub + " only reads the repository");
        if (LOW.contains(sub)) return low("git " + sub + " adds to the repository without losing work");
        return switch (sub) {
            case "branch" -> args.stream().anyMatch(a -> a.equals("-D") || a.startsWith("-") && !a.startsWith("--") && a.contains("D")
                    || a.equals("--delete") && args.contains("--force")) ? high("git branch -D deletes unmerged branches")
                    : args.stream().anyMatch(a -> Set.of("-d", "--delete", "-m", "-M", "--move", "-c", "-C", "--copy", "-f", "--force",
                    "-u", "--set-upstream-to", "--unset-upstream", "--edit-description").contains(a)) ? medium("git branch changes branches")
                    : args.stream().anyMatch(a -> !a.startsWith("-")) && !args.contains("--list") && !args.contains("-l")
                    && !args.contains("--contains") && !args.contains("--merged") && !args.contains("--no-merged")
                    && !args.contains("--points-at") ? low("git branch creates a branch") : read("git branch lists branches");
            case "tag" -> args.isEmpty() || args.contains("-l") || args.contains("--list") || args.contains("-v")
                    ? read("git tag lists tags") : args.contains("-d") || args.contains("--delete") ? medium("git tag -d deletes tags")
                    : low("git tag creates a tag");
            case "remote" -> args.isEmpty() || args.equals(List.of("-v")) || args.getFirst().equals("show") || args.getFirst().equals("get-url")
                    ? read("git remote lists remotes") : medium("git remote changes remotes");
            case "stash" -> args.isEmpty() || Set.of("push", "save").contains(args.getFirst()) ? low("git stash puts changes aside")
                    : Set.of("list", "show").contains(args.getFirst()) ? read("git stash lists stashes")
                    : Set.of("clear", "drop").contains(args.getFirst()) ? high("git stash " + args.getFirst() + " discards stashed work")
                    : medium("git stash " + args.getFirst() + " changes the working tree");
            case "config" -> args.stream().anyMatch(a -> Set.of("--get", "--get-all", "--get-regexp", "--list", "-l", "get", "list",
                    "--show-origin").contains(a)) || args.stream().filter(a -> !a.startsWith("-")).count() <= 1
                    ? read("git config reads settings")
                    : args.stream().anyMatch(GitRules::runsCommand) ? high("git config sets a command git will run")
                    : medium("git config changes settings");
            case "push" -> force || args.stream().anyMatch(a -> a.startsWith("+") || a.startsWith(":") || a.equals("--delete")
                    || a.equals("-d") || a.equals("--mirror") || a.equals("--prune"))
                    ? high("git push --force (or delete/mirror) rewrites or removes history on the remote")
                    : medium("git push publishes commits");
            case "reset" -> args.contains("--hard") || args.contains("--merge") || args.contains("--keep")
                    ? high("git reset --hard discards uncommitted work") : medium("git reset moves the branch");
            case "clean" -> force ? high("git clean -f deletes untracked files") : read("git clean without -f only lists");
            case "checkout", "switch", "restore" -> force || args.contains(".") || args.contains("--") || args.contains("--discard-changes")
                    || sub.equals("restore") ? medium("git " + sub + " can overwrite uncommitted changes")
                    : low("git " + sub + " changes the checked-out branch");
            case "reflog" -> args.isEmpty() || args.getFirst().equals("show") ? read("git reflog shows history")
                    : high("git reflog " + args.getFirst() + " drops recovery points");
            case "gc", "prune" -> args.stream().anyMatch(a -> a.startsWith("--prune")) || sub.equals("prune")
                    ? high("git " + sub + " permanently drops unreachable commits") : medium("git gc repacks the repository");
            case "filter-branch", "filter-repo", "update-ref", "replace" -> high("git " + sub + " rewrites history or refs");
            case "worktree", "submodule" -> args.isEmpty() || args.getFirst().equals("list") || args.getFirst().equals("status")
                    ? read("git " + sub + " lists") : medium("git " + sub + " " + args.getFirst());
            default -> medium("git " + sub + " changes the repository");
        };
    }

    private static boolean runsCommand(String setting) {
        var lower = setting.toLowerCase(Locale.ROOT);
        if (lower.contains("=!") || lower.contains(" !")) return true;
        for (var key : COMMAND_KEYS) {
            if (lower.contains(key)) return true;
        }
        return false;
    }
}
