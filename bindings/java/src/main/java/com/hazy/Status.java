package com.hazy;

/**
 * The outcome of a libhazy call: mirrors the C enum {@code hazy_status}, with the same numbers
 * and names (a test parses include/hazy.h and fails when a {@code HAZY_STATUS_*} is missing
 * here, differs in number, or has no exception mapping).
 *
 * <p>Every {@link HazyException} carries one (never {@link #OK}). The subclasses of
 * {@link HazyException} correspond to these values, so callers can either catch the subclass
 * or switch on {@link HazyException#status()}.
 */
public enum Status {
    /** Success (never carried by an exception). */
    OK(0),
    /** A required argument was null or empty, a string was not valid, or an option was unknown or malformed. Nothing was sent. */
    INVALID_ARGUMENT(1),
    /** Keycloak rejected the credentials, or the Hub still rejected the token after one refresh. */
    AUTH(2),
    /** The token lacks a scope or audience the operation needs (HTTP 403 or {@code invalid_scope}). */
    FORBIDDEN(3),
    /** The project, job, model or realm does not exist (HTTP 404). */
    NOT_FOUND(4),
    /** The request content was refused: invalid training config (checked locally first) or HTTP 400/422. */
    VALIDATION(5),
    /** The server could not be reached or the connection broke. */
    NETWORK(6),
    /** A connect, request or wait deadline passed. */
    TIMEOUT(7),
    /** The TLS handshake failed (untrusted certificate, name mismatch, protocol). */
    TLS(8),
    /** The server failed or refused service (HTTP 5xx or 429) after retries ran out. */
    SERVER(9),
    /** The server answered something the library does not understand. */
    PROTOCOL(10),
    /** The wait was cancelled (cancellation token, progress listener, interrupt) or the job was cancelled on the Hub. */
    CANCELLED(11),
    /** The job ended in state failed; the message carries the Hub's reason. */
    JOB_FAILED(12),
    /** A bug inside libhazy was caught at the boundary; the process is intact. */
    PANIC(13),
    /** The call cannot be made in this context (inside a libhazy runtime thread, or after fork()). */
    INVALID_STATE(14),
    /** The client was closed ({@link HazyClient#close()}): waits in progress end with it, and so does every later call. */
    CLOSED(15),
    /** A status number this version of the binding does not know (a newer libhazy). */
    UNKNOWN(-1);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The number of the C enum value ({@code HAZY_STATUS_*}); -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** The status with C number {@code code}, or {@link #UNKNOWN}. */
    public static Status fromCode(int code) {
        for (Status s : values()) {
            if (s.code == code && s != UNKNOWN) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
