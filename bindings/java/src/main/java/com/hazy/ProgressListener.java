package com.hazy;

/**
 * Receives the latest snapshot of a job after every poll of {@link Job#await}. It runs on the
 * waiting thread, with no libhazy lock held: it may call the client (for example
 * {@link Job#cancel()}).
 *
 * <p>If it throws, the wait stops and {@code await} rethrows that exception (an unchecked
 * exception or error as it is). Leaving the wait does not cancel the job on the Hub.
 */
@FunctionalInterface
public interface ProgressListener {
    /** Called with the job as of the latest poll. */
    void onProgress(Job job);
}
