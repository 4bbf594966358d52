package com.hazy;

/** The request content was refused; {@link #field()} names the offending field ({@link Status#VALIDATION}). */
public class ValidationException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public ValidationException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.VALIDATION, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public ValidationException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
