package com.hazy;

/**
 * The state of a job on the Hub: mirrors the C enum {@code hazy_state}, in the same order: a
 * constant's position is its C number ({@link #code()}). A test checks every number against the
 * loaded library's {@code hazy_state_name}.
 */
public enum JobState {
    /** The Hub reported a state this version of the library does not know. */
    UNKNOWN,
    /** Accepted, not started. */
    QUEUED,
    /** Running; progress grows from 0 to 1. */
    RUNNING,
    /** Finished; a train job has a model id. */
    SUCCEEDED,
    /** Finished with an error; the job carries the Hub's failure reason. */
    FAILED,
    /** Cancelled before it finished. */
    CANCELLED;

    private static final JobState[] VALUES = values();

    /** The number of the C enum value ({@code HAZY_STATE_*}). */
    public int code() {
        return ordinal();
    }

    /** True for {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED}. */
    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The state with C number {@code code}, or {@link #UNKNOWN}. */
    public static JobState fromCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : UNKNOWN;
    }
}
