package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.PointerByReference;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The binding's layer of errors, without provoking any status through a server: the Java enums
 * against the loaded library's own tables (a status, state or log level added in Rust and not
 * here fails), every status the library names through the path each failed call takes
 * ({@link HazyClient#check}) to its exception class, and the statuses Java can cause locally.
 * Which status the Hub or Keycloak cause is tested once, in Rust and tests/integration.
 */
class ErrorStatusTest {

    /** hazy_log_level_name: HazyNative does not map it (the binding never needs the names). */
    interface LogLevelNames extends Library {
        String hazy_log_level_name(int level);
    }

    /** What the library answers for a number it does not know, for each table. */
    private interface Namer {
        String name(int code);
    }

    /** The library's names for 0, 1, 2, ... up to the first {@code unknown} (from {@code first} on). */
    static List<String> libraryTable(Namer namer, String unknown, int first) {
        List<String> names = new ArrayList<String>();
        for (int code = 0; code < first; code++) {
            names.add(namer.name(code));
        }
        for (int code = first; ; code++) {
            String name = namer.name(code);
            if (unknown.equals(name)) {
                return names;
            }
            names.add(name);
            assertTrue(code < 1000, "the library names every number: " + names);
        }
    }

    private static <E extends Enum<E>> List<String> javaTable(E[] values, E exclude) {
        List<String> names = new ArrayList<String>();
        for (E e : values) {
            if (e != exclude) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    private static List<String> lower(List<String> names) {
        List<String> out = new ArrayList<String>();
        for (String n : names) {
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    @Test
    void statusStateAndLogLevelEnumsAreTheLibrarysTables() {
        List<String> statuses = libraryTable(Hazy::statusName, "UNKNOWN", 0);
        assertEquals(lower(statuses), javaTable(Status.values(), Status.UNKNOWN),
                "com.hazy.Status, in C order, against hazy_status_name(0, 1, ...)");
        for (int code = 0; code < statuses.size(); code++) {
            assertEquals(code, Status.fromCode(code).code());
            assertEquals(statuses.get(code), Status.fromCode(code).name());
        }
        assertEquals(Status.UNKNOWN, Status.fromCode(statuses.size()));
        assertEquals(Status.UNKNOWN, Status.fromCode(-1));
        assertEquals(-1, Status.UNKNOWN.code());

        // hazy_state_name(0) is "unknown" itself (HAZY_STATE_UNKNOWN), the answer for any other number too.
        List<String> states = libraryTable(Hazy::stateName, "unknown", 1);
        assertEquals(states, javaTable(JobState.values(), null), "com.hazy.JobState against hazy_state_name");
        for (JobState s : JobState.values()) {
            assertEquals(s, JobState.fromCode(s.code()));
        }
        assertEquals(JobState.UNKNOWN, JobState.fromCode(states.size()));
        assertTrue(JobState.SUCCEEDED.isFinished() && JobState.FAILED.isFinished() && JobState.CANCELLED.isFinished());
        assertTrue(!JobState.QUEUED.isFinished() && !JobState.RUNNING.isFinished() && !JobState.UNKNOWN.isFinished());

        LogLevelNames lib = Native.load(Hazy.libraryPath(), LogLevelNames.class);
        List<String> levels = libraryTable(lib::hazy_log_level_name, "unknown", 0);
        assertEquals(levels, javaTable(LogLevel.values(), null), "com.hazy.LogLevel against hazy_log_level_name");
        for (LogLevel l : LogLevel.values()) {
            assertEquals(l, LogLevel.fromCode(l.code()));
        }
    }

    @Test
    void everyStatusOfTheLibraryMapsToItsExceptionClass() {
        Map<Status, Class<? extends HazyException>> expected =
                new EnumMap<Status, Class<? extends HazyException>>(Status.class);
        expected.put(Status.INVALID_ARGUMENT, InvalidArgumentException.class);
        expected.put(Status.AUTH, AuthenticationException.class);
        expected.put(Status.FORBIDDEN, ForbiddenException.class);
        expected.put(Status.NOT_FOUND, NotFoundException.class);
        expected.put(Status.VALIDATION, ValidationException.class);
        expected.put(Status.NETWORK, NetworkException.class);
        expected.put(Status.TIMEOUT, HazyTimeoutException.class);
        expected.put(Status.TLS, TlsException.class);
        expected.put(Status.SERVER, ServerException.class);
        expected.put(Status.PROTOCOL, ProtocolException.class);
        expected.put(Status.CANCELLED, CancelledException.class);
        expected.put(Status.JOB_FAILED, JobFailedException.class);
        expected.put(Status.PANIC, HazyException.class);
        expected.put(Status.INVALID_STATE, HazyException.class);
        expected.put(Status.CLOSED, ClosedException.class);
        expected.put(Status.PROXY_AUTH, ProxyAuthException.class);
        expected.put(Status.UNKNOWN, HazyException.class);

        HazyNative lib = NativeLoader.lib();
        List<String> statuses = libraryTable(Hazy::statusName, "UNKNOWN", 0);
        // Every failed call goes through HazyClient.check; with no error object it still throws.
        HazyClient.check(lib, 0, new PointerByReference());
        for (int code = 1; code <= statuses.size(); code++) { // statuses.size(): a number the library does not know
            final int c = code;
            HazyException e = assertThrows(HazyException.class, () -> HazyClient.check(lib, c, new PointerByReference()));
            Status s = Status.fromCode(code);
            assertNotNull(expected.get(s), s + " has no expected exception class here");
            assertSame(expected.get(s), e.getClass(), "status " + code + " (" + s + ")");
            assertEquals(s, e.status());
            assertTrue(e.getMessage().startsWith(s.name() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(Hazy.statusName(code)), e.getMessage());
        }

        // The exception carries every field of the error object, and the message names them.
        for (Status s : expected.keySet()) {
            HazyException e = HazyException.of(s, "detail", 418, "code", "description", "field", null)
                    .withRequestId("req-1");
            assertSame(expected.get(s), e.getClass(), s.name());
            assertEquals(s, e.status());
            assertEquals("detail", e.detail());
            assertEquals(418, e.httpStatus());
            assertEquals("code", e.oauthError());
            assertEquals("description", e.oauthDescription());
            assertEquals("field", e.field());
            assertEquals("req-1", e.requestId());
            assertEquals(s.name() + ": detail (HTTP 418, error code, field field, request id req-1)", e.getMessage());
        }
    }

    @Test
    void aClosedPortIsNetwork() throws Exception {
        try (HazyClient c = HazyClient.builder().host("http://127.0.0.1:" + TestSupport.closedPort())
                .retryMaxAttempts(1).build()) {
            NetworkException e = assertThrows(NetworkException.class,
                    () -> c.authenticate(Credentials.clientCredentials("api", "secret")));
            assertEquals(Status.NETWORK, e.status());
            assertEquals(0, e.httpStatus());
        }
    }

    @Test
    void releaseLibraryHasNoPanicBackdoor() {
        // Builds with debug assertions panic on purpose for option debug_panic when
        // HAZY_ALLOW_DEBUG_PANIC=1 (the C, C++ and Miri suites check that the boundary turns it
        // into PANIC). This suite runs on the release library the jar bundles, which must not
        // have that option even when the surefire configuration arms it.
        assertEquals("1", System.getenv("HAZY_ALLOW_DEBUG_PANIC"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> HazyClient.builder().option("debug_panic", "1").build());
        assertTrue(e.getMessage().contains("debug_panic"), e.getMessage());
    }
}
