package dev.warden.cli;

import dev.warden.action.ActionException;
import dev.warden.approval.ApprovalStatus;
import dev.warden.engine.Approvals;
import dev.warden.engine.Origin;
import dev.warden.identity.Principal;
import dev.warden.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden approvals}: the approver's desk at the machine. It works on the data dir while a
 * server runs on it; an approved request runs here, as its requester, so give the same roots and
 * config as the server.
 */
@Command(name = "approvals", mixinStandardHelpOptions = true,
        description = "List, show, approve or deny requests held for approval (as the local admin).",
        subcommands = {ApprovalsCommand.ListCmd.class, ApprovalsCommand.Show.class, ApprovalsCommand.Approve.class,
                ApprovalsCommand.Deny.class})
final class ApprovalsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    private static Principal me() {
        return Principal.localAdmin(System.getProperty("user.name", "local"));
    }

    private static void print(PrintWriter out, tools.jackson.databind.JsonNode node) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    /** Runs {@code body}; an approval error is printed as JSON with its code and hint, exit 3 (or 2 when not found). */
    private static int guarded(CommandLine.Model.CommandSpec spec, DataDirOptions data, ApprovalAction body) {
        try (var warden = data.open()) {
            print(spec.commandLine().getOut(), body.run(warden.approvals()));
            return 0;
        } catch (ActionException e) {
            var node = Json.object();
            node.put("code", e.code());
            node.put("detail", e.getMessage());
            node.put("hint", e.hint());
            print(spec.commandLine().getErr(), node);
            return e.kind() == dev.warden.action.ErrorKind.NOT_FOUND ? 2 : 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    @FunctionalInterface
    private interface ApprovalAction {
        tools.jackson.databind.JsonNode run(Approvals approvals) throws InterruptedException;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Requests, newest first (default: pending ones).")
    static final class ListCmd implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Option(names = "--status", description = "pending, approved, executed, denied, expired, or all (default: pending).")
        String status = "pending";
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ApprovalStatus filter;
            try {
                filter = status.equals("all") ? null : ApprovalStatus.of(status);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--status must be pending, approved, executed, denied, expired or all");
            }
            return guarded(spec, data, approvals -> {
                var list = Json.array();
                approvals.list(me(), filter, 200).forEach(a -> list.add(a.toJson()));
                return list;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One request, its votes and, once it ran, its result.")
    static final class Show implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--wait", paramLabel = "SECONDS", description = "Wait up to this long for a decision.")
        int waitSeconds;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return guarded(spec, data, approvals -> approvals.await(me(), id, Duration.ofSeconds(Math.max(0, waitSeconds))).toJson());
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve a request; with its votes complete it runs now, as its requester.")
    static final class Approve implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--comment", paramLabel = "TEXT")
        String comment;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return guarded(spec, data, approvals -> approvals.approve(me(), id, comment, Origin.CLI).toJson());
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a request; it will never run.")
    static final class Deny implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--comment", paramLabel = "TEXT")
        String comment;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return guarded(spec, data, approvals -> approvals.deny(me(), id, comment, Origin.CLI).toJson());
        }
    }
}
