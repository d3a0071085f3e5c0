package dev.warden.cli;

import dev.warden.identity.ProjectState;
import dev.warden.identity.Role;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Create and list projects, set their state, and manage their members.",
        subcommands = {ProjectCommand.Create.class, ProjectCommand.ListProjects.class, ProjectCommand.SetState.class,
                ProjectCommand.Members.class, ProjectCommand.AddMember.class, ProjectCommand.RemoveMember.class})
final class ProjectCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project (active, no members).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return IdentityCli.run(spec, data, (identity, out) -> {
                identity.createProject(IdentityCli.me(), IdentityCli.ORIGIN, name);
                out.println("Created project " + name + ".");
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List projects and their states.")
    static final class ListProjects implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return IdentityCli.run(spec, data, (identity, out) -> {
                out.printf("%-24s %-9s %s%n", "NAME", "STATE", "CREATED");
                for (var p : identity.projects(IdentityCli.me())) out.printf("%-24s %-9s %s%n", p.name(), p.state().id(), p.createdAt());
                return 0;
            });
        }
    }

    @Command(name = "set-state", mixinStandardHelpOptions = true,
            description = "Set a project's state: active, locked (reads only) or archived (nothing runs).")
    static final class SetState implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;
        @Parameters(index = "1", paramLabel = "STATE")
        String state;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ProjectState parsed;
            try {
                parsed = ProjectState.parse(state);
            } catch (IllegalArgumentException e) {
                return IdentityCli.usage(spec, e.getMessage());
            }
            return IdentityCli.run(spec, data, (identity, out) -> {
                identity.setProjectState(IdentityCli.me(), IdentityCli.ORIGIN, project, parsed);
                out.println("Project " + project + " is " + parsed.id() + ".");
                return 0;
            });
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "List a project's members.")
    static final class Members implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return IdentityCli.run(spec, data, (identity, out) -> {
                out.printf("%-24s %-9s %s%n", "USER", "ROLE", "ADDED");
                for (var m : identity.members(IdentityCli.me(), project)) out.printf("%-24s %-9s %s%n", m.user(), m.role().id(), m.addedAt());
                return 0;
            });
        }
    }

    @Command(name = "add-member", mixinStandardHelpOptions = true,
            description = "Add a user to a project with a role, or change their role there.")
    static final class AddMember implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;
        @Parameters(index = "1", paramLabel = "USER")
        String user;
        @Option(names = "--role", required = true, description = "viewer, operator or admin.")
        String role;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Role parsed;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                return IdentityCli.usage(spec, e.getMessage());
            }
            return IdentityCli.run(spec, data, (identity, out) -> {
                identity.putMember(IdentityCli.me(), IdentityCli.ORIGIN, project, user, parsed);
                out.println(user + " is " + parsed.id() + " in project " + project + ".");
                return 0;
            });
        }
    }

    @Command(name = "remove-member", mixinStandardHelpOptions = true,
            description = "Remove a user from a project: their tokens for it stop working.")
    static final class RemoveMember implements Callable<Integer> {
        @Mixin
        DataDirOptions data;
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;
        @Parameters(index = "1", paramLabel = "USER")
        String user;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return IdentityCli.run(spec, data, (identity, out) -> {
                identity.removeMember(IdentityCli.me(), IdentityCli.ORIGIN, project, user);
                out.println("Removed " + user + " from project " + project + ".");
                return 0;
            });
        }
    }
}
