package com.hazy;

/** The server could not be reached or the connection broke ({@link Status#NETWORK}). */
public class NetworkException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public NetworkException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.NETWORK, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public NetworkException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
