package com.hazy;

/** The server answered something the library does not understand ({@link Status#PROTOCOL}). */
public class ProtocolException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public ProtocolException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.PROTOCOL, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public ProtocolException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
