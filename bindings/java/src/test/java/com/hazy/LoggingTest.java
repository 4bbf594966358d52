package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The binding's layer of logging and tracing (the events themselves are tested in Rust and C):
 * records reach {@code java.util.logging} and a {@link LogListener} with their fields, a failed
 * call's exception carries its request id, and calls through {@link HazyClient#withTraceparent}
 * join the caller's trace.
 */
class LoggingTest {
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");

    private static Credentials api() {
        return Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET);
    }

    private static LogEvent first(List<LogEvent> events, String name) {
        for (LogEvent e : events) {
            if (e.event().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no " + name + " event among " + events);
    }

    /** The one test that the events arrive: through JUL by default, and to a listener when set. */
    @Test
    void eventsReachJavaUtilLoggingAndTheListener() {
        // java.util.logging, the default: the logger's level (FINEST) decides what libhazy sends.
        Logger jul = Logger.getLogger("com.hazy");
        final List<LogRecord> records = new CopyOnWriteArrayList<LogRecord>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level saved = jul.getLevel();
        jul.setLevel(Level.FINEST);
        jul.addHandler(capture);
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(api());
        } finally {
            jul.removeHandler(capture);
            jul.setLevel(saved);
        }
        LogRecord granted = null;
        boolean debugSeen = false;
        for (LogRecord r : records) {
            assertFalse(r.getMessage().contains(TestSupport.API_SECRET), "the secret in a JUL record");
            assertEquals("com.hazy", r.getLoggerName());
            assertEquals("libhazy", r.getSourceClassName());
            if ("token.granted".equals(r.getSourceMethodName()) && granted == null) {
                granted = r;
            }
            debugSeen |= "token.request".equals(r.getSourceMethodName()) && r.getLevel() == Level.FINE;
        }
        assertNotNull(granted, "a token.granted record in " + records.size() + " JUL records");
        assertEquals(Level.INFO, granted.getLevel());
        String text = granted.getMessage();
        assertTrue(text.contains("token granted") && text.contains(" method=POST") && text.contains(" status=200")
                && Pattern.compile(" request_id=\\S+").matcher(text).find()
                && Pattern.compile(" trace_id=[0-9a-f]{32}").matcher(text).find(), text);
        assertTrue(debugSeen, "a token.request record at FINE (libhazy debug)");

        // A listener, at TRACE: every field marshalled.
        List<LogEvent> events = new CopyOnWriteArrayList<LogEvent>();
        try (HazyClient c = TestSupport.builder().logListener(LogLevel.TRACE, events::add).build()) {
            c.authenticate(api());
        }
        for (LogEvent e : events) {
            assertFalse(e.toString().contains(TestSupport.API_SECRET), "the secret in an event");
        }
        LogEvent request = first(events, "token.request");
        LogEvent event = first(events, "token.granted");
        assertEquals(LogLevel.DEBUG, request.level());
        assertEquals(LogLevel.INFO, event.level());
        assertTrue(event.message().contains("token granted"), event.toString());
        assertEquals("POST", event.method());
        assertTrue(event.url() != null && event.url().endsWith("/protocol/openid-connect/token"), event.toString());
        assertEquals(200, event.httpStatus());
        assertEquals(1, event.attempt());
        assertEquals(-1, event.delayMs());
        assertTrue(event.elapsedMs() >= 0, event.toString());
        assertTrue(event.requestId() != null && !event.requestId().isEmpty(), event.toString());
        assertTrue(event.traceId() != null && HEX32.matcher(event.traceId()).matches(), event.toString());
        assertTrue(event.spanId() != null && HEX16.matcher(event.spanId()).matches(), event.toString());
        assertNull(event.jobId());
        assertEquals(request.traceId(), event.traceId(), "one call, one trace");
    }

    @Test
    void aFailedCallCarriesItsRequestId() {
        try (HazyClient c = TestSupport.client()) {
            NotFoundException e = assertThrows(NotFoundException.class, () -> c.getJob("no-such-job-" + UUID.randomUUID()));
            assertTrue(e.requestId() != null && !e.requestId().isEmpty(), e.toString());
            assertTrue(e.getMessage().contains("request id " + e.requestId()), e.getMessage());
        }
    }

    @Test
    void callsThroughWithTraceparentJoinTheCallersTrace() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String traceparent = "00-" + traceId + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "-01";
        String project = TestSupport.project();
        List<LogEvent> events = new CopyOnWriteArrayList<LogEvent>();
        try (HazyClient client = TestSupport.builder().logListener(LogLevel.DEBUG, events::add).build()) {
            client.authenticate(api());
            assertThrows(InvalidArgumentException.class, () -> client.withTraceparent("00-not-a-trace-01"));

            HazyClient view = client.withTraceparent(traceparent);
            try (HazyClient v = view) {
                assertTrue(v.listJobs(project).isEmpty());
            }
            // Closing the view leaves the client open.
            assertTrue(view.isClosed());
            assertThrows(ClosedException.class, () -> view.listJobs(project));
            assertFalse(client.isClosed());
            assertTrue(client.listJobs(project).isEmpty());
        }
        List<LogEvent> exchanges = new ArrayList<LogEvent>();
        for (LogEvent e : events) {
            if (e.event().equals("http.exchange") && e.url() != null && e.url().contains("/projects/" + project + "/")) {
                exchanges.add(e);
            }
        }
        assertEquals(2, exchanges.size(), exchanges.toString());
        assertEquals(traceId, exchanges.get(0).traceId(), "the view's call: " + exchanges.get(0));
        assertNotEquals(traceId, exchanges.get(1).traceId(), "the client's own call: " + exchanges.get(1));
    }
}
