package com.hazy;

/** The state of a job on the Hub: mirrors the C enum {@code hazy_state}, with the same numbers. */
public enum JobState {
    /** The Hub reported a state this version of the library does not know. */
    UNKNOWN(0),
    /** Accepted, not started. */
    QUEUED(1),
    /** Running; progress grows from 0 to 1. */
    RUNNING(2),
    /** Finished; a train job has a model id. */
    SUCCEEDED(3),
    /** Finished with an error; the job carries the Hub's failure reason. */
    FAILED(4),
    /** Cancelled before it finished. */
    CANCELLED(5);

    private final int code;

    JobState(int code) {
        this.code = code;
    }

    /** The number of the C enum value ({@code HAZY_STATE_*}). */
    public int code() {
        return code;
    }

    /** True for {@link #SUCCEEDED}, {@link #FAILED} and {@link #CANCELLED}. */
    public boolean isFinished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The state with C number {@code code}, or {@link #UNKNOWN}. */
    public static JobState fromCode(int code) {
        for (JobState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
