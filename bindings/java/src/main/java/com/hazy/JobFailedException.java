package com.hazy;

/** The job ended in state failed; the message carries the Hub's reason ({@link Status#JOB_FAILED}). */
public class JobFailedException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public JobFailedException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.JOB_FAILED, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public JobFailedException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
