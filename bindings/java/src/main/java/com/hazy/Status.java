package com.hazy;

/**
 * The outcome of a libhazy call: mirrors the C enum {@code hazy_status}, with the same names, in
 * the same order: a constant's position is its C number ({@link #code()}), so no number is
 * written here twice. A test asks the loaded library for the name of every number until it
 * answers "UNKNOWN" ({@code hazy_status_name}), and fails when a status is missing here, named
 * or placed differently, or has no exception mapping.
 *
 * <p>Every {@link HazyException} carries one (never {@link #OK}). The subclasses of
 * {@link HazyException} correspond to these values, so callers can either catch the subclass
 * or switch on {@link HazyException#status()}.
 */
public enum Status {
    /** Success (never carried by an exception). */
    OK,
    /** A required argument was null or empty, a string was not valid, or an option was unknown or malformed. Nothing was sent. */
    INVALID_ARGUMENT,
    /** Keycloak rejected the credentials, or the Hub still rejected the token after one refresh. */
    AUTH,
    /** The token lacks a scope or audience the operation needs (HTTP 403 or {@code invalid_scope}). */
    FORBIDDEN,
    /** The project, job, model or realm does not exist (HTTP 404). */
    NOT_FOUND,
    /** The request content was refused: invalid training config (checked locally first) or HTTP 400/422. */
    VALIDATION,
    /** The server could not be reached or the connection broke. */
    NETWORK,
    /** A connect, request or wait deadline passed. */
    TIMEOUT,
    /** The TLS handshake failed (untrusted certificate, name mismatch, protocol). */
    TLS,
    /** The server failed or refused service (HTTP 5xx or 429) after retries ran out. */
    SERVER,
    /** The server answered something the library does not understand. */
    PROTOCOL,
    /** The wait was cancelled (cancellation token, progress listener, interrupt) or the job was cancelled on the Hub. */
    CANCELLED,
    /** The job ended in state failed; the message carries the Hub's reason. */
    JOB_FAILED,
    /** A bug inside libhazy was caught at the boundary; the process is intact. */
    PANIC,
    /** The call cannot be made in this context (inside a libhazy runtime thread, or after fork()). */
    INVALID_STATE,
    /** The client was closed ({@link HazyClient#close()}): waits in progress end with it, and so does every later call. */
    CLOSED,
    /** A proxy answered 407 Proxy Authentication Required: set or check proxy_username and proxy_password_file. The message names the proxy. */
    PROXY_AUTH,
    /**
     * A status number this version of the binding does not know (a newer libhazy). Not a C
     * value: it stays last, after the C enum's values.
     */
    UNKNOWN;

    private static final Status[] VALUES = values();

    /** The number of the C enum value ({@code HAZY_STATUS_*}); -1 for {@link #UNKNOWN}. */
    public int code() {
        return this == UNKNOWN ? -1 : ordinal();
    }

    /** The status with C number {@code code}, or {@link #UNKNOWN}. */
    public static Status fromCode(int code) {
        return code >= 0 && code < UNKNOWN.ordinal() ? VALUES[code] : UNKNOWN;
    }
}
