package com.hazy;

/** A connect, request or wait deadline passed ({@link Status#TIMEOUT}). */
public class HazyTimeoutException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public HazyTimeoutException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.TIMEOUT, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public HazyTimeoutException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
