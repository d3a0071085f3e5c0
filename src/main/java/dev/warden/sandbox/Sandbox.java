package dev.warden.sandbox;

/**
 * Runs processes within limits. Each level ({@code process}; later {@code isolated} and
 * {@code preview}) is one implementation and reports in every {@link ProcessResult} which limits it
 * actually enforced.
 */
public interface Sandbox {

    /** The level's name as reported to callers, e.g. {@code process}. */
    String level();

    /** Defaults and ceilings this sandbox applies. */
    ProcessLimits limits();

    /**
     * Starts {@code spec}. Throws {@link dev.warden.action.ActionException} when it cannot be
     * started: a program that does not exist, a missing working directory, an unusable sandbox.
     */
    RunningProcess start(ProcessSpec spec);

    /** Starts {@code spec} and waits for its result. */
    default ProcessResult run(ProcessSpec spec) {
        return start(spec).await();
    }
}
