package com.hazy;

import com.sun.jna.Pointer;

import java.time.Duration;

/**
 * A snapshot of a job on the Hub (its state when it was fetched) and a handle to follow it:
 * {@link #await}, {@link #cancel()}, {@link #refresh()}. Immutable; thread-safe.
 */
public final class Job {
    private final HazyClient client;
    private final String id;
    private final String projectId;
    private final String kind;
    private final JobState state;
    private final String rawState;
    private final double progress;
    private final String modelId;
    private final String failureReason;
    private final String outputLocation;

    private Job(HazyNative lib, HazyClient client, Pointer job) {
        this.client = client;
        this.id = lib.hazy_job_id(job);
        this.projectId = lib.hazy_job_project_id(job);
        this.kind = lib.hazy_job_kind(job);
        this.state = JobState.fromCode(lib.hazy_job_state(job));
        this.rawState = lib.hazy_job_raw_state(job);
        this.progress = lib.hazy_job_progress(job);
        this.modelId = lib.hazy_job_model_id(job);
        this.failureReason = lib.hazy_job_failure_reason(job);
        this.outputLocation = lib.hazy_job_output_location(job);
    }

    /** Copies a native {@code hazy_job_t} (borrowed: the caller frees it). */
    static Job fromNative(HazyNative lib, HazyClient client, Pointer job) {
        return new Job(lib, client, job);
    }

    /** The job's id. */
    public String id() {
        return id;
    }

    /** The job's project id. */
    public String projectId() {
        return projectId;
    }

    /** "train" or "generate" ("other" for a kind this version does not know). */
    public String kind() {
        return kind;
    }

    /**
     * The state when this snapshot was taken, as libhazy understands it: {@link JobState#UNKNOWN}
     * for a word this version does not know ({@link #rawState()} has the word).
     */
    public JobState state() {
        return state;
    }

    /**
     * The state exactly as the Hub sent it ("SUCCEEDED", "completed", "ARCHIVED", ...). States are
     * read in any case and with the usual synonyms, so compare {@link #state()}; this is for
     * display and for words that give {@link JobState#UNKNOWN}.
     */
    public String rawState() {
        return rawState;
    }

    /** Progress from 0.0 to 1.0 when this snapshot was taken. */
    public double progress() {
        return progress;
    }

    /**
     * For a succeeded train job, the id of the trained model; for a generation job, its source
     * model; otherwise null.
     */
    public String modelId() {
        return modelId;
    }

    /** For a failed job, the Hub's reason; otherwise null. */
    public String failureReason() {
        return failureReason;
    }

    /**
     * For a generation job, where the Hub writes the generated rows: the generation config's
     * {@code output_location}, or the Hub's own place when the config names none; otherwise null.
     */
    public String outputLocation() {
        return outputLocation;
    }

    /** Whether the job had finished (succeeded, failed or cancelled) when this snapshot was taken. */
    public boolean isFinished() {
        return state.isFinished();
    }

    /** The client this job belongs to. */
    public HazyClient client() {
        return client;
    }

    /**
     * Fetches the job's current state from the Hub (a request; the getters of this object only
     * read its snapshot) and returns it as a new snapshot. Renamed from {@code status()}, whose
     * name hid the request.
     */
    public Job refresh() {
        return client.getJob(id);
    }

    /**
     * Cancels the job on the Hub (idempotent: a finished job stays as it is) and returns its
     * resulting state.
     */
    public Job cancel() {
        return client.cancelJob(id);
    }

    /** Waits without a time limit until the job finishes; see {@link #await(Duration, ProgressListener, CancellationToken)}. */
    public Job await() {
        return client.awaitJob(id, null, null, null);
    }

    /** Waits until the job finishes, at most {@code timeout} (null: no limit). */
    public Job await(Duration timeout) {
        return client.awaitJob(id, timeout, null, null);
    }

    /** Waits until the job finishes, at most {@code timeout} (null: no limit), reporting progress. */
    public Job await(Duration timeout, ProgressListener listener) {
        return client.awaitJob(id, timeout, listener, null);
    }

    /**
     * Waits until the job finishes, polling the Hub every {@code poll_interval} (a client option),
     * and returns the succeeded job.
     *
     * @param timeout give up after this long; null waits without limit; must be positive otherwise
     * @param listener called after every poll on this thread (may be null); if it throws, the
     *        wait stops and its exception is rethrown
     * @param cancellation cancels the wait from another thread (may be null)
     * @return the succeeded job (for a train job, {@link #modelId()} is the new model)
     * @throws JobFailedException the job failed (the message carries the Hub's reason)
     * @throws CancelledException the job was cancelled on the Hub, the token was cancelled, or the
     *         thread was interrupted (its interrupt flag stays set; noticed at the next poll)
     * @throws ClosedException the client was closed, from any thread, while waiting or before
     * @throws HazyTimeoutException the timeout passed (the job goes on: see {@link #cancel()})
     * @throws ProtocolException the job stayed in states libhazy does not know
     *         ({@link JobState#UNKNOWN}) for the option {@code unknown_state_timeout_ms} (default
     *         60000): the message names the Hub's word ({@link #rawState()}) and
     *         {@link HazyException#field()} is {@code state}; the job is left alone on the Hub, and
     *         every such snapshot has reached the listener. (Also: a Hub answer it cannot read.)
     * @throws HazyException any failure of {@link #refresh()}
     */
    public Job await(Duration timeout, ProgressListener listener, CancellationToken cancellation) {
        return client.awaitJob(id, timeout, listener, cancellation);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Job[").append(id).append(", project=").append(projectId)
                .append(", kind=").append(kind).append(", state=").append(state);
        if (rawState != null && !rawState.equalsIgnoreCase(state.name())) {
            sb.append(" (").append(rawState).append(')');
        }
        sb.append(", progress=").append(Math.round(progress * 100)).append('%');
        if (modelId != null) {
            sb.append(", model=").append(modelId);
        }
        if (failureReason != null) {
            sb.append(", failure=").append(failureReason);
        }
        if (outputLocation != null) {
            sb.append(", output=").append(outputLocation);
        }
        return sb.append(']').toString();
    }
}
