package dev.warden.identity;

/** What the engine asks before it decides: the lifecycle state of the project an intent runs in. */
@FunctionalInterface
public interface ProjectStates {
    /** Every project active: for a pipeline that is not wired to the projects table. */
    ProjectStates ALL_ACTIVE = project -> ProjectState.ACTIVE;

    ProjectState state(String project);
}
