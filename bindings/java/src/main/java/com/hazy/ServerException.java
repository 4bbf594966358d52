package com.hazy;

/** The server failed or refused service (HTTP 5xx or 429) after retries ran out ({@link Status#SERVER}). */
public class ServerException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public ServerException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.SERVER, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public ServerException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
