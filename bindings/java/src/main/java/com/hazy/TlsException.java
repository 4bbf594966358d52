package com.hazy;

/** The TLS handshake failed (untrusted certificate, name mismatch, protocol) ({@link Status#TLS}). */
public class TlsException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public TlsException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.TLS, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public TlsException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
