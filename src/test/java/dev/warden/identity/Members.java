package dev.warden.identity;

/** For fixtures: makes {@code user} (created if new) a member of a project, so tokens can be made for them. */
public final class Members {
    private Members() {}

    public static void add(UserService users, ProjectService projects, String project, String user, Role role) {
        if (users.find(user).isEmpty()) users.create(user, false, null);
        projects.putMember(project, user, role);
    }
}
