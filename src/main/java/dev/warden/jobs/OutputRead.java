package dev.warden.jobs;

/**
 * One read of a job's output: the job as it is now, the bytes read and their text.
 *
 * @param stored true when the output came from the store (the job ran in another Warden process,
 *               or ended long enough ago to have left memory): only its newest part is kept there
 */
public record OutputRead(JobRecord job, OutputSlice slice, OutputSlice.Text text, boolean stored) {

    /** The job has ended and this read reached the end of its output. */
    public boolean finished() {
        return slice.complete() && text.nextOffset() >= slice.endOffset();
    }
}
