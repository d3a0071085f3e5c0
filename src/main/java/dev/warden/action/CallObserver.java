package dev.warden.action;

/**
 * The caller's side of one running call, for actions that run long: where progress goes and how a
 * cancellation arrives. A front that can do neither passes {@link #NONE}. The front knows nothing
 * of what the action runs; the action knows nothing of the protocol the front speaks.
 */
public interface CallObserver {

    /** No one listens and nothing is ever cancelled. */
    CallObserver NONE = new CallObserver() {
        @Override
        public boolean listening() {
            return false;
        }

        @Override
        public void progress(double progress, Double total, String message) { }

        @Override
        public boolean cancelled() {
            return false;
        }

        @Override
        public Registration onCancel(Runnable stop) {
            return () -> { };
        }
    };

    /** Whether progress reports reach anyone; an action may skip the work of producing them otherwise. */
    boolean listening();

    /** A step forward: {@code progress} grows with every call; {@code total} is null when unknown. */
    void progress(double progress, Double total, String message);

    /** Whether the caller asked to stop this call. */
    boolean cancelled();

    /**
     * Runs {@code stop} once when the caller cancels, at once if it already has. Closing the
     * registration (when the work ended on its own) means {@code stop} will not run afterwards.
     */
    Registration onCancel(Runnable stop);

    /** Ends a registration made with {@link #onCancel}. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
