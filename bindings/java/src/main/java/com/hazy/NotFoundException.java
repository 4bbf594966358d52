package com.hazy;

/** The project, job, model or realm does not exist ({@link Status#NOT_FOUND}). */
public class NotFoundException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public NotFoundException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.NOT_FOUND, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public NotFoundException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
