package com.hazy;

/** The token lacks a scope the operation needs (a token without the Hub's audience is an {@link AuthenticationException}); {@link #field()} names the missing scope ({@link Status#FORBIDDEN}). */
public class ForbiddenException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public ForbiddenException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.FORBIDDEN, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public ForbiddenException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
