package dev.warden.sandbox;

/**
 * What a sandbox does once its process has ended and its output is collected: read what its
 * limits saw (an OOM kill, a refused fork) into the result, and release what it set up (control
 * groups). Runs exactly once per started process, on the thread that awaits it.
 */
interface Finisher {
    Finisher NONE = result -> result;

    ProcessResult finish(ProcessResult result);

    /** The process could not be started: release what was set up for it. */
    default void abandon() {}
}
