package com.hazy;

import com.sun.jna.Pointer;

/**
 * One log event of libhazy, copied from the native record: immutable and thread-safe. Every
 * string has been scrubbed of secrets and tokens by libhazy. Absent fields are null (strings),
 * 0 ({@link #httpStatus()}, {@link #attempt()}) or -1 ({@link #delayMs()}, {@link #elapsedMs()}).
 */
public final class LogEvent {
    private final LogLevel level;
    private final String event;
    private final String message;
    private final String method;
    private final String url;
    private final int httpStatus;
    private final int attempt;
    private final long delayMs;
    private final long elapsedMs;
    private final String requestId;
    private final String jobId;
    private final String traceId;
    private final String spanId;

    private LogEvent(HazyNative lib, Pointer r) {
        this.level = LogLevel.fromCode(lib.hazy_log_record_level(r));
        this.event = orEmpty(lib.hazy_log_record_event(r));
        this.message = orEmpty(lib.hazy_log_record_message(r));
        this.method = lib.hazy_log_record_method(r);
        this.url = lib.hazy_log_record_url(r);
        this.httpStatus = lib.hazy_log_record_http_status(r) & 0xFFFF;
        this.attempt = lib.hazy_log_record_attempt(r);
        this.delayMs = lib.hazy_log_record_delay_ms(r);
        this.elapsedMs = lib.hazy_log_record_elapsed_ms(r);
        this.requestId = lib.hazy_log_record_request_id(r);
        this.jobId = lib.hazy_log_record_job_id(r);
        this.traceId = lib.hazy_log_record_trace_id(r);
        this.spanId = lib.hazy_log_record_span_id(r);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The event's level (never {@link LogLevel#OFF}). */
    public LogLevel level() {
        return level;
    }

    /**
     * A stable dotted event name, e.g. {@code http.exchange}, {@code retry},
     * {@code token.request}, {@code token.granted}, {@code token.failed}, {@code auth.replay},
     * {@code job.state}, {@code call.failed}, {@code tls.ca_bundle}, {@code proxy.chosen},
     * {@code proxy.none}, {@code config.insecure}.
     */
    public String event() {
        return event;
    }

    /** The human-readable message. */
    public String message() {
        return message;
    }

    /** The HTTP method of the exchange, e.g. {@code POST}; null when the event is not about one. */
    public String method() {
        return method;
    }

    /** The URL of the exchange, without query string or user info; null if none. */
    public String url() {
        return url;
    }

    /** The HTTP status of the response; 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The attempt number within the call's retries, from 1; 0 when the event is not an attempt. */
    public int attempt() {
        return attempt;
    }

    /** The delay before the next attempt in milliseconds (retry events); -1 if none. */
    public long delayMs() {
        return delayMs;
    }

    /** How long the exchange (or wait) took in milliseconds; -1 if not measured. */
    public long elapsedMs() {
        return elapsedMs;
    }

    /** The X-Request-ID of the exchange (the server's echo if it sent one); null if none. */
    public String requestId() {
        return requestId;
    }

    /** The job the event is about; null if none. */
    public String jobId() {
        return jobId;
    }

    /** The W3C trace id (32 hex digits) of the call the event belongs to; null outside a call. */
    public String traceId() {
        return traceId;
    }

    /** The span id (16 hex digits) of the HTTP attempt, as sent in its traceparent; null if none. */
    public String spanId() {
        return spanId;
    }

    /**
     * The fields as {@code key=value} pairs, each after a space, with the names of libhazy's own
     * text lines ({@code HAZY_LOG}): {@code method url status attempt delay_ms elapsed_ms job_id
     * request_id trace_id span_id}; "" when there are none.
     */
    public String fields() {
        StringBuilder sb = new StringBuilder();
        field(sb, "method", method);
        field(sb, "url", url);
        if (httpStatus != 0) {
            field(sb, "status", Integer.toString(httpStatus));
        }
        if (attempt != 0) {
            field(sb, "attempt", Integer.toUnsignedString(attempt));
        }
        if (delayMs >= 0) {
            field(sb, "delay_ms", Long.toString(delayMs));
        }
        if (elapsedMs >= 0) {
            field(sb, "elapsed_ms", Long.toString(elapsedMs));
        }
        field(sb, "job_id", jobId);
        field(sb, "request_id", requestId);
        field(sb, "trace_id", traceId);
        field(sb, "span_id", spanId);
        return sb.toString();
    }

    private static void field(StringBuilder sb, String key, String value) {
        if (value != null) {
            sb.append(' ').append(key).append('=').append(value);
        }
    }

    /** As libhazy's text lines: {@code INFO token.granted: message status=200 request_id=...}. */
    @Override
    public String toString() {
        return level + " " + event + ": " + message + fields();
    }

    /** Copies the native {@code hazy_log_record_t} (valid only during the callback). */
    static LogEvent fromNative(HazyNative lib, Pointer r) {
        return new LogEvent(lib, r);
    }
}
