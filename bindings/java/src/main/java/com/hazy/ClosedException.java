package com.hazy;

/**
 * The client was closed ({@link Status#CLOSED}): thrown by a wait that was in progress when
 * {@link HazyClient#close()} was called, from any thread, and by every call made after it,
 * through the client or its {@link Job}s. (Earlier versions of this binding threw
 * {@link IllegalStateException} for calls after close, and {@link CancelledException} from the
 * waits that close ended.)
 */
public class ClosedException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public ClosedException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.CLOSED, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public ClosedException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
