package com.hazy;

/** A required argument was null or empty, or an option was unknown or malformed; nothing was sent ({@link Status#INVALID_ARGUMENT}). */
public class InvalidArgumentException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public InvalidArgumentException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.INVALID_ARGUMENT, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public InvalidArgumentException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
