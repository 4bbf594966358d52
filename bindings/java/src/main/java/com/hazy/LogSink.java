package com.hazy;

import com.sun.jna.Pointer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where the log events of one native client go: the {@code java.util.logging} logger
 * {@code com.hazy}, or a {@link LogListener}.
 *
 * <p>libhazy calls one static callback ({@link #CALLBACK}, strongly reachable for the life of
 * the class, so its JNA trampoline is never freed under a client); its userdata is the id of
 * the sink in {@link #SINKS}. A sink stays registered while a native handle that can call it
 * lives (the client and its {@link HazyClient#withTraceparent} views: one reference each) and
 * is removed once the last of them has been freed ({@code hazy_free}). A record for an id that
 * is not registered is ignored.
 */
final class LogSink {
    /** The logger events go to by default (held here: JUL keeps its loggers only weakly). */
    static final Logger JUL = Logger.getLogger("com.hazy");

    private static final Map<Long, LogSink> SINKS = new ConcurrentHashMap<Long, LogSink>();
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private final long id;
    private final LogLevel level;
    private final LogListener listener;
    private int refs = 1;

    private LogSink(long id, LogLevel level, LogListener listener) {
        this.id = id;
        this.level = level;
        this.listener = listener;
    }

    /**
     * A registered sink with one reference, or null when nothing would be logged: for
     * {@code listener} at {@code listenerLevel}, else for the JUL logger at the most verbose
     * level it logs now ({@link Logger#isLoggable}), so that a quiet logger costs nothing.
     */
    static LogSink open(LogListener listener, LogLevel listenerLevel) {
        LogLevel level = listener != null ? listenerLevel : julLevel();
        if (level == null || level == LogLevel.OFF) {
            return null;
        }
        LogSink sink = new LogSink(NEXT_ID.getAndIncrement(), level, listener);
        SINKS.put(sink.id, sink);
        return sink;
    }

    /** The most verbose libhazy level the JUL logger logs; OFF if none. */
    static LogLevel julLevel() {
        LogLevel[] levels = LogLevel.values();
        for (int i = levels.length - 1; i > 0; i--) {
            if (JUL.isLoggable(levels[i].julLevel())) {
                return levels[i];
            }
        }
        return LogLevel.OFF;
    }

    /** The minimum level libhazy is asked to send. */
    LogLevel level() {
        return level;
    }

    /** The userdata that names this sink to {@link #CALLBACK}. */
    Pointer userdata() {
        return new Pointer(id);
    }

    /** One more native handle that can send records here. */
    synchronized void retain() {
        if (refs == 0) {
            throw new IllegalStateException("log sink " + id + " was released");
        }
        refs++;
    }

    /** A native handle that could send records here has been freed. */
    void release() {
        boolean last;
        synchronized (this) {
            last = --refs == 0;
        }
        if (last) {
            SINKS.remove(id);
        }
    }

    private void deliver(LogEvent event) {
        if (listener == null) {
            Level julLevel = event.level().julLevel();
            if (!JUL.isLoggable(julLevel)) {
                return;
            }
            LogRecord r = new LogRecord(julLevel, event.message() + event.fields());
            r.setLoggerName(JUL.getName());
            // The event's name as the "method", so that formatters showing the source show it
            // (set explicitly: JUL would otherwise guess a caller from the stack).
            r.setSourceClassName("libhazy");
            r.setSourceMethodName(event.event());
            JUL.log(r);
            return;
        }
        try {
            listener.log(event);
        } catch (Throwable t) {
            // Never into native code: reported, and the call goes on.
            JUL.log(Level.WARNING, "a com.hazy.LogListener threw on event " + event.event() + "; the event was dropped",
                    t);
        }
    }

    /**
     * The one log callback. It copies the record (valid only until it returns) and never lets an
     * exception reach C.
     */
    static final HazyNative.LogFn CALLBACK = new HazyNative.LogFn() {
        @Override
        public void invoke(Pointer record, Pointer userdata) {
            try {
                LogSink sink = SINKS.get(Pointer.nativeValue(userdata));
                if (sink == null || record == null) {
                    return;
                }
                sink.deliver(LogEvent.fromNative(NativeLoader.lib(), record));
            } catch (Throwable t) {
                // A failing JUL handler, or out of memory: nothing may unwind into libhazy.
            }
        }
    };
}
