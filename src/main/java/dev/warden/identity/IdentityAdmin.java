package dev.warden.identity;

import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditLog;
import dev.warden.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one door to users, projects, memberships and tokens for the admin fronts (REST under
 * {@code /v1/admin}, the CLI): it checks the caller may make the change, makes it, and writes an
 * audit record ({@code admin.*}) of every attempted change, refused ones included (keys avoid
 * words such as "token" that the audit redactor hides). None of this is
 * an action, so no agent call through the engine can reach it.
 *
 * <p>Who may: system admins (and the local admin at the CLI) everything; an admin of a project its
 * members and tokens. Only an unrestricted admin token counts: a token narrowed to action patterns
 * could otherwise mint an unrestricted one. A project admin creates tokens only for themselves: one
 * made for another member would let its maker act, and approve their own requests, as that member.
 */
public final class IdentityAdmin {
    /** What a new token should be; {@code ttl} null means it does not expire. */
    public record TokenRequest(String name, String user, String project, Role role, Duration ttl, List<String> actions) {
        public TokenRequest {
            actions = List.copyOf(actions);
        }
    }

    private final UserService users;
    private final ProjectService projects;
    private final TokenService tokens;
    private final AuditLog audit;
    private final Clock clock;

    public IdentityAdmin(UserService users, ProjectService projects, TokenService tokens, AuditLog audit, Clock clock) {
        this.users = users;
        this.projects = projects;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    /** An unrestricted admin who is a system admin (or the local admin). */
    public boolean isSystemAdmin(Principal p) {
        if (p.kind() == Principal.Kind.LOCAL) return true;
        return unrestrictedAdmin(p) && users.find(p.name()).filter(u -> u.systemAdmin() && u.enabled()).isPresent();
    }

    /** An unrestricted admin of {@code project}, or a system admin. */
    public boolean isProjectAdmin(Principal p, String project) {
        return isSystemAdmin(p) || (unrestrictedAdmin(p) && p.project().equals(project));
    }

    private static boolean unrestrictedAdmin(Principal p) {
        return switch (p.kind()) {
            case LOCAL -> true;
            case SYSTEM -> false;
            case TOKEN, USER -> p.role() == Role.ADMIN && p.actionPatterns().isEmpty();
        };
    }

    // ---- users (system admins) ----

    public List<UserService.User> users(Principal actor) {
        requireSystemAdmin(actor, "list users");
        return users.list();
    }

    public UserService.User createUser(Principal actor, String origin, String name, boolean systemAdmin, String password) {
        // Never anything about the password: the redactor would hide it anyway, and the trail needs only who and what.
        var input = Json.object().put("name", name).put("systemAdmin", systemAdmin);
        return audited(actor, origin, "admin.user.create", actor.project(), input, () -> {
            requireSystemAdmin(actor, "create users");
            return users.create(name, systemAdmin, password);
        });
    }

    public UserService.User disableUser(Principal actor, String origin, String name) {
        return audited(actor, origin, "admin.user.disable", actor.project(), Json.object().put("name", name), () -> {
            requireSystemAdmin(actor, "disable users");
            if (actor.kind() != Principal.Kind.LOCAL && actor.name().equals(name)) {
                throw new IdentityException(IdentityException.Kind.REFUSED, "cannot_disable_self", "You cannot disable yourself.",
                        "Ask another system admin, or use ./warden user disable at the machine.");
            }
            if (!users.disable(name)) {
                throw new IdentityException(IdentityException.Kind.CONFLICT, "user_already_disabled", name + " is already disabled.",
                        "Nothing to do; GET /v1/admin/users shows who is enabled.");
            }
            tokens.forgetCached();
            return users.get(name);
        });
    }

    // ---- projects ----

    /** System admins see every project; a project admin sees their own. */
    public List<ProjectService.Project> projects(Principal actor) {
        requireSomeAdmin(actor);
        if (isSystemAdmin(actor)) return projects.list();
        return projects.find(actor.project()).stream().toList();
    }

    public ProjectService.Project createProject(Principal actor, String origin, String name) {
        return audited(actor, origin, "admin.project.create", name, Json.object().put("name", name), () -> {
            requireSystemAdmin(actor, "create projects");
            return projects.create(name);
        });
    }

    public ProjectService.Project setProjectState(Principal actor, String origin, String name, ProjectState state) {
        var input = Json.object().put("name", name).put("state", state.id());
        return audited(actor, origin, "admin.project.state", name, input, () -> {
            requireSystemAdmin(actor, "change a project's state");
            return projects.setState(name, state);
        });
    }

    // ---- members (project admins) ----

    public List<ProjectService.Member> members(Principal actor, String project) {
        requireProjectAdmin(actor, project, "see its members");
        return projects.members(project);
    }

    /** Adds a member, or changes a member's role (their tokens follow at once: the role is re-read at authentication). */
    public ProjectService.Member putMember(Principal actor, String origin, String project, String user, Role role) {
        var input = Json.object().put("project", project).put("user", user).put("role", role.id());
        return audited(actor, origin, "admin.member.put", project, input, () -> {
            requireProjectAdmin(actor, project, "change its members");
            var member = projects.putMember(project, user, role);
            tokens.forgetCached();
            return member;
        });
    }

    public void removeMember(Principal actor, String origin, String project, String user) {
        var input = Json.object().put("project", project).put("user", user);
        audited(actor, origin, "admin.member.remove", project, input, () -> {
            requireProjectAdmin(actor, project, "change its members");
            if (!projects.removeMember(project, user)) {
                throw new IdentityException(IdentityException.Kind.NOT_FOUND, "member_not_found",
                        user + " is not a member of project " + project + ".",
                        "GET /v1/admin/projects/" + project + "/members lists the members.");
            }
            tokens.forgetCached();
            return Boolean.TRUE;
        });
    }

    // ---- tokens ----

    /** Tokens, never their secrets: a system admin's of every project (or of {@code project}), a project admin's of their own. */
    public List<TokenService.TokenInfo> tokens(Principal actor, String project) {
        requireSomeAdmin(actor);
        if (project != null) requireProjectAdmin(actor, project, "see its tokens");
        var scope = project != null ? project : isSystemAdmin(actor) ? null : actor.project();
        return tokens.list().stream().filter(t -> scope == null || t.project().equals(scope)).toList();
    }

    public TokenService.Created createToken(Principal actor, String origin, TokenRequest r) {
        var input = Json.object().put("name", r.name()).put("user", r.user()).put("project", r.project()).put("role", r.role().id());
        if (r.ttl() != null) input.put("ttlSeconds", r.ttl().toSeconds());
        var patterns = input.putArray("actions");
        r.actions().forEach(patterns::add);
        return audited(actor, origin, "admin.token.create", r.project(), input, () -> {
            requireProjectAdmin(actor, r.project(), "create its tokens");
            if (!isSystemAdmin(actor) && !actor.name().equals(r.user())) {
                throw new IdentityException(IdentityException.Kind.REFUSED, "token_for_other_user",
                        "Only a system admin may create a token for another user.",
                        "Create tokens for yourself (user " + actor.name() + "), or ask a system admin.");
            }
            var created = tokens.create(r.name(), r.user(), r.project(), r.role(), r.ttl(), r.actions());
            input.put("id", created.info().id());
            return created;
        });
    }

    public TokenService.TokenInfo revokeToken(Principal actor, String origin, String id) {
        return audited(actor, origin, "admin.token.revoke", actor.project(), Json.object().put("id", id), () -> {
            requireSomeAdmin(actor);
            var token = tokens.find(id).orElseThrow(() -> new IdentityException(IdentityException.Kind.NOT_FOUND, "token_not_found",
                    "There is no token " + id + ".", "GET /v1/admin/tokens or ./warden token list shows the tokens."));
            requireProjectAdmin(actor, token.project(), "revoke its tokens");
            if (!tokens.revoke(id)) {
                throw new IdentityException(IdentityException.Kind.CONFLICT, "token_already_revoked", "Token " + id + " is already revoked.",
                        "Nothing to do; ./warden token list shows each token's state.");
            }
            return tokens.find(id).orElseThrow();
        });
    }

    // ---- checks and the audit trail ----

    private void requireSomeAdmin(Principal actor) {
        if (!unrestrictedAdmin(actor)) throw refused(actor, "manage identity");
    }

    private void requireSystemAdmin(Principal actor, String what) {
        if (!isSystemAdmin(actor)) throw refused(actor, what);
    }

    private void requireProjectAdmin(Principal actor, String project, String what) {
        if (!isProjectAdmin(actor, project)) throw refused(actor, what + " (project " + project + ")");
    }

    private static IdentityException refused(Principal actor, String what) {
        var narrowed = !actor.actionPatterns().isEmpty();
        return new IdentityException(IdentityException.Kind.REFUSED, "admin_required",
                narrowed ? "This token is limited to " + String.join(", ", actor.actionPatterns()) + ", so it may not " + what + "."
                        : "Only an admin may " + what + ".",
                "Use an unrestricted admin token of the project (a system admin's for users and projects), or ./warden at the machine.");
    }

    private <T> T audited(Principal actor, String origin, String action, String project, ObjectNode input, Supplier<T> change) {
        T result;
        try {
            result = change.get();
        } catch (IdentityException e) {
            record(actor, origin, action, project, input, e.kind() == IdentityException.Kind.REFUSED ? "denied" : "failed", e.code());
            throw e;
        }
        record(actor, origin, action, project, input, "done", null);
        return result;
    }

    private void record(Principal actor, String origin, String action, String project, ObjectNode input, String outcome, String code) {
        audit.append(new AuditEntry(clock.instant(), actor.id(), actor.name(), project == null ? actor.project() : project, origin,
                action, "execute", input, null, null, null, outcome, code, null, 0, null, null));
    }
}
