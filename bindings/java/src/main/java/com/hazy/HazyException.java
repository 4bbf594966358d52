package com.hazy;

/**
 * A failed libhazy call. Unchecked.
 *
 * <p>The detail (status, message, HTTP status, OAuth error, offending field) is copied from the
 * {@code hazy_error_t} that the failing C call wrote to its own {@code error} out-parameter, so it
 * always belongs to that call: it is never read from a thread-local "last error" that another
 * call on the same OS thread (a virtual thread's carrier, for instance) could have overwritten.
 *
 * <p>Each {@link Status} has a subclass ({@link AuthenticationException},
 * {@link ForbiddenException}, {@link ValidationException}, {@link NetworkException},
 * {@link ClosedException}, ...); {@link Status#PANIC}, {@link Status#INVALID_STATE} and
 * {@link Status#UNKNOWN} use this class itself. Messages never contain secrets or tokens.
 *
 * <p>{@link #requestId()} is the X-Request-ID of the HTTP exchange that failed; the message
 * names it too. Quote it to whoever runs the Hub or Keycloak: it finds the request in their logs.
 */
public class HazyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status status;
    private final String detail;
    private final int httpStatus;
    private final String oauthError;
    private final String oauthDescription;
    private final String field;
    private String idempotencyKey; // set once, by the binding, before the exception is thrown
    private String requestId; // likewise

    /**
     * @param status the status (not {@link Status#OK})
     * @param detail the message naming the cause
     * @param httpStatus the HTTP status of the response that caused the error, 0 if none
     * @param oauthError the server's machine-readable error code, or null
     * @param oauthDescription Keycloak's {@code error_description}, or null
     * @param field the offending field (validation) or missing scope (forbidden), or null
     * @param cause the cause, or null
     */
    public HazyException(Status status, String detail, int httpStatus, String oauthError,
            String oauthDescription, String field, Throwable cause) {
        super(format(status, detail, httpStatus, oauthError, field), cause);
        this.status = status == null ? Status.UNKNOWN : status;
        this.detail = detail == null ? "" : detail;
        this.httpStatus = httpStatus;
        this.oauthError = oauthError;
        this.oauthDescription = oauthDescription;
        this.field = field;
    }

    /** An exception with only a status and a message. */
    public HazyException(Status status, String detail) {
        this(status, detail, 0, null, null, null, null);
    }

    private static String format(Status status, String detail, int http, String oauthError, String field) {
        return format(status, detail, http, oauthError, field, null);
    }

    private static String format(Status status, String detail, int http, String oauthError, String field,
            String requestId) {
        StringBuilder sb = new StringBuilder();
        sb.append(status == null ? Status.UNKNOWN : status).append(": ").append(detail == null ? "" : detail);
        StringBuilder extra = new StringBuilder();
        if (http != 0) {
            extra.append("HTTP ").append(http);
        }
        if (oauthError != null) {
            extra.append(extra.length() > 0 ? ", " : "").append("error ").append(oauthError);
        }
        if (field != null) {
            extra.append(extra.length() > 0 ? ", " : "").append("field ").append(field);
        }
        if (requestId != null) {
            extra.append(extra.length() > 0 ? ", " : "").append("request id ").append(requestId);
        }
        if (extra.length() > 0) {
            sb.append(" (").append(extra).append(')');
        }
        return sb.toString();
    }

    /**
     * The message: status, detail, and in parentheses what is known of HTTP status, server error
     * code, field and request id, e.g. {@code NOT_FOUND: job j-1 not found (HTTP 404, request id
     * 3f2a...)}.
     */
    @Override
    public String getMessage() {
        return requestId == null ? super.getMessage()
                : format(status, detail, httpStatus, oauthError, field, requestId);
    }

    /** The status of the failed call. */
    public Status status() {
        return status;
    }

    /** The library's message alone (without the status and extras that {@link #getMessage()} adds). */
    public String detail() {
        return detail;
    }

    /** The HTTP status of the response that caused the error; 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The server's machine-readable error code: Keycloak's OAuth {@code error} (for example
     * {@code invalid_client}) or the Hub's problem {@code code}; null if none.
     */
    public String oauthError() {
        return oauthError;
    }

    /** Keycloak's {@code error_description}; null if none. */
    public String oauthDescription() {
        return oauthDescription;
    }

    /**
     * The offending field for {@link Status#VALIDATION} (for example {@code data_schema}) or the
     * missing scope for {@link Status#FORBIDDEN} (for example {@code hazy/TrainJob:create}); null
     * if none.
     */
    public String field() {
        return field;
    }

    /**
     * The Idempotency-Key a failed {@link HazyClient#train} or {@link HazyClient#generate} used,
     * generated or given; null for other calls. The job may exist on the Hub although the call
     * failed: resubmit with the overload taking a key, and this key, to get it rather than a
     * second job.
     */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    /**
     * The X-Request-ID of the HTTP exchange that failed: the one the server echoed if it sent
     * one, else the one libhazy sent; null when the call failed before anything was sent (bad
     * arguments, a config refused locally, a closed client).
     */
    public String requestId() {
        return requestId;
    }

    HazyException withRequestId(String id) {
        this.requestId = id == null || id.isEmpty() ? null : id;
        return this;
    }

    HazyException withIdempotencyKey(String key) {
        this.idempotencyKey = key;
        return this;
    }

    /** Builds the subclass that matches {@code status}. */
    static HazyException of(Status status, String detail, int httpStatus, String oauthError,
            String oauthDescription, String field, Throwable cause) {
        switch (status) {
            case INVALID_ARGUMENT:
                return new InvalidArgumentException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case AUTH:
                return new AuthenticationException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case FORBIDDEN:
                return new ForbiddenException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case NOT_FOUND:
                return new NotFoundException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case VALIDATION:
                return new ValidationException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case NETWORK:
                return new NetworkException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case TIMEOUT:
                return new HazyTimeoutException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case TLS:
                return new TlsException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case PROXY_AUTH:
                return new ProxyAuthException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case SERVER:
                return new ServerException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case PROTOCOL:
                return new ProtocolException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case CANCELLED:
                return new CancelledException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case JOB_FAILED:
                return new JobFailedException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case CLOSED:
                return new ClosedException(detail, httpStatus, oauthError, oauthDescription, field, cause);
            case PANIC:
            case INVALID_STATE:
            case UNKNOWN:
                return new HazyException(status, detail, httpStatus, oauthError, oauthDescription, field, cause);
            default:
                // Every status is listed above: a new one must be mapped (ErrorStatusTest checks).
                throw new AssertionError("status " + status + " has no exception mapping");
        }
    }

    static HazyException of(Status status, String detail) {
        return of(status, detail, 0, null, null, null, null);
    }
}
