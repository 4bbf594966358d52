package com.hazy;

/**
 * Receives libhazy's log events instead of {@code java.util.logging}, for example to hand them
 * to SLF4J or Log4j with their fields (see {@link HazyClient.Builder#logListener}).
 *
 * <p>It is called on the thread that made the event, inside a call to the client (or inside
 * {@link HazyClient.Builder#build()}), possibly on several threads at once: it must be
 * thread-safe, and the call waits for it, so keep it short. It must not call the client it
 * listens to: such calls fail with status {@link Status#INVALID_STATE}. An exception it throws
 * never reaches the call: it is logged to the {@code java.util.logging} logger {@code com.hazy}
 * at {@code WARNING} and the event is dropped.
 */
@FunctionalInterface
public interface LogListener {
    /** One event; the object is immutable and may be kept or handed to another thread. */
    void log(LogEvent event);
}
