package com.hazy;

import java.util.logging.Level;

/**
 * The level of a libhazy log event ({@code hazy_log_level} of the C API, in its order: a
 * constant's position is its C number), and the {@code java.util.logging} level it is logged at.
 * A test checks every number against the loaded library's {@code hazy_log_level_name}.
 */
public enum LogLevel {
    /** Nothing: only as a minimum level, to turn events off. */
    OFF(Level.OFF),
    /** A call failed: its status, message and request id. Logged as {@link Level#SEVERE}. */
    ERROR(Level.SEVERE),
    /**
     * Something went wrong and the library coped: a retry, a rejected token, an unsafe setting.
     * Logged as {@link Level#WARNING}.
     */
    WARN(Level.WARNING),
    /**
     * What a call did: tokens granted, 401 replays, job state changes, TLS and proxy choices.
     * Logged as {@link Level#INFO}.
     */
    INFO(Level.INFO),
    /** Every HTTP exchange and token request. Logged as {@link Level#FINE}. */
    DEBUG(Level.FINE),
    /** Waits and decisions inside the token cache. Logged as {@link Level#FINER}. */
    TRACE(Level.FINER);

    private static final LogLevel[] VALUES = values();
    private final Level julLevel;

    LogLevel(Level julLevel) {
        this.julLevel = julLevel;
    }

    /** The C value ({@code HAZY_LOG_LEVEL_*}). */
    public int code() {
        return ordinal();
    }

    /** The {@code java.util.logging} level events of this level are logged at. */
    public Level julLevel() {
        return julLevel;
    }

    /** The level of a C value; {@link #OFF} for an unknown one. */
    static LogLevel fromCode(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : OFF;
    }
}
