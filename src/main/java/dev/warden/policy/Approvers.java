package dev.warden.policy;

import dev.warden.identity.Role;

/**
 * Who must approve what an {@code approve} rule holds: {@code count} distinct people, none of them
 * the requester, each with at least {@code role} in the request's project ({@code approvers:} on the rule).
 */
public record Approvers(Role role, int count) {
    public static final Approvers DEFAULT = new Approvers(Role.ADMIN, 1);

    public Approvers {
        if (count < 1) throw new IllegalArgumentException("count must be at least 1");
    }
}
