package com.hazy;

/** Keycloak rejected the credentials, or the Hub rejected the token after a refresh; {@link #oauthError()} has Keycloak's error code ({@link Status#AUTH}). */
public class AuthenticationException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public AuthenticationException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.AUTH, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public AuthenticationException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
