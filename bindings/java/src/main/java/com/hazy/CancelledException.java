package com.hazy;

/** A wait was cancelled (cancellation token, progress listener or interrupt), or the job was cancelled on the Hub ({@link Status#CANCELLED}). */
public class CancelledException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public CancelledException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.CANCELLED, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public CancelledException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
