package com.hazy;

import java.util.logging.Level;

/**
 * The level of a libhazy log event ({@code hazy_log_level} of the C API, with its numbers), and
 * the {@code java.util.logging} level it is logged at.
 */
public enum LogLevel {
    /** Nothing: only as a minimum level, to turn events off. */
    OFF(0, Level.OFF),
    /** A call failed: its status, message and request id. Logged as {@link Level#SEVERE}. */
    ERROR(1, Level.SEVERE),
    /**
     * Something went wrong and the library coped: a retry, a rejected token, an unsafe setting.
     * Logged as {@link Level#WARNING}.
     */
    WARN(2, Level.WARNING),
    /**
     * What a call did: tokens granted, 401 replays, job state changes, TLS and proxy choices.
     * Logged as {@link Level#INFO}.
     */
    INFO(3, Level.INFO),
    /** Every HTTP exchange and token request. Logged as {@link Level#FINE}. */
    DEBUG(4, Level.FINE),
    /** Waits and decisions inside the token cache. Logged as {@link Level#FINER}. */
    TRACE(5, Level.FINER);

    private final int code;
    private final Level julLevel;

    LogLevel(int code, Level julLevel) {
        this.code = code;
        this.julLevel = julLevel;
    }

    /** The C value ({@code HAZY_LOG_LEVEL_*}). */
    public int code() {
        return code;
    }

    /** The {@code java.util.logging} level events of this level are logged at. */
    public Level julLevel() {
        return julLevel;
    }

    /** The level of a C value; {@link #OFF} for an unknown one. */
    static LogLevel fromCode(int code) {
        for (LogLevel l : values()) {
            if (l.code == code) {
                return l;
            }
        }
        return OFF;
    }
}
