package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The statuses not covered by the authentication and job tests (server, protocol, TLS,
 * request timeout, network drop, panic), the mapping of every status to its exception class,
 * and that the Java enums match the C library's numbers and names.
 */
class ErrorStatusTest {

    /** A call on a fresh project whose requests meet a fault of the simulator. */
    private interface ProjectCall {
        Object call(HazyClient client, String project);
    }

    /**
     * Injects {@code fault} (JSON members after path_prefix) on a fresh project, runs {@code call}
     * on a client built by {@code builder}, and returns the exception of class {@code type} it threw.
     */
    private static <E extends HazyException> E underFault(String fault, HazyClient.Builder builder, Class<E> type,
            ProjectCall call) throws java.io.IOException {
        String project = TestSupport.project();
        TestSupport.fault("{\"path_prefix\":\"/api/v1/projects/" + project + "/\"," + fault + "}");
        try (HazyClient c = builder.build()) {
            c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET));
            return assertThrows(type, () -> call.call(c, project));
        }
    }

    @Test
    void serverErrorsAfterRetriesAreServer() throws Exception {
        ServerException e = underFault("\"method\":\"POST\",\"kind\":\"status\",\"status\":503,"
                + "\"retry_after_s\":0,\"count\":2",
                TestSupport.builder().retryMaxAttempts(2).option("retry_base_delay_ms", "10"), ServerException.class,
                (c, project) -> c.train(project, TestSupport.CONFIG));
        assertEquals(Status.SERVER, e.status());
        assertEquals(503, e.httpStatus());
    }

    @Test
    void unexpectedHttpStatusIsProtocol() throws Exception {
        ProtocolException e = underFault("\"method\":\"GET\",\"kind\":\"status\",\"status\":418,\"count\":1",
                TestSupport.builder(), ProtocolException.class, HazyClient::listJobs);
        assertEquals(Status.PROTOCOL, e.status());
        assertEquals(418, e.httpStatus());
    }

    @Test
    void droppedConnectionIsNetwork() throws Exception {
        NetworkException e = underFault("\"method\":\"GET\",\"kind\":\"drop\",\"count\":1",
                TestSupport.builder().retryMaxAttempts(1), NetworkException.class, HazyClient::listJobs);
        assertEquals(Status.NETWORK, e.status());
    }

    @Test
    void slowResponseIsTimeout() throws Exception {
        HazyTimeoutException e = underFault("\"method\":\"GET\",\"kind\":\"latency\",\"latency_ms\":3000,\"count\":1",
                TestSupport.builder().retryMaxAttempts(1).requestTimeout(Duration.ofMillis(500)),
                HazyTimeoutException.class, HazyClient::listJobs);
        assertEquals(Status.TIMEOUT, e.status());
    }

    @Test
    void untrustedCertificateIsTlsAndACaBundleFixesIt(@TempDir Path dir) throws Exception {
        try (TlsServer server = new TlsServer(dir)) {
            try (HazyClient c = HazyClient.builder().host(server.url()).retryMaxAttempts(1).build()) {
                TlsException e = assertThrows(TlsException.class,
                        () -> c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET)));
                assertEquals(Status.TLS, e.status());
            }
            // And a server that does not speak TLS at all.
            String plain = TestSupport.hubUrl().replace("http://", "https://");
            try (HazyClient c = HazyClient.builder().host(plain).retryMaxAttempts(1).build()) {
                assertThrows(TlsException.class,
                        () -> c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET)));
            }
            // The same server, trusted through the client's CA bundle.
            try (HazyClient c = HazyClient.builder().host(server.url()).caBundle(server.caPem).retryMaxAttempts(1)
                    .build()) {
                c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET));
                assertEquals(TlsServer.TOKEN, c.accessToken());
                assertEquals(1, c.tokenRequestCount());
            }
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
        try (HazyClient c = TestSupport.client()) {
            assertTrue(c.listJobs(TestSupport.project()).isEmpty());
        }
    }

    @Test
    void everyStatusMapsToItsExceptionClass() {
        // INVALID_STATE (a call from a libhazy runtime thread, or after fork()) cannot be
        // produced from Java: no Java code runs on libhazy's threads and the JVM does not fork.
        // Its mapping is checked here with the others.
        Class<?>[] expected = {
            null, InvalidArgumentException.class, AuthenticationException.class, ForbiddenException.class,
            NotFoundException.class, ValidationException.class, NetworkException.class, HazyTimeoutException.class,
            TlsException.class, ServerException.class, ProtocolException.class, CancelledException.class,
            JobFailedException.class, HazyException.class, HazyException.class, ClosedException.class,
        };
        for (int code = 1; code < expected.length; code++) {
            Status s = Status.fromCode(code);
            HazyException e = HazyException.of(s, "detail", 418, "code", "description", "field", null);
            assertSame(expected[code], e.getClass(), s.name());
            assertEquals(s, e.status());
            assertEquals(code, e.status().code());
            assertEquals("detail", e.detail());
            assertEquals(418, e.httpStatus());
            assertEquals("code", e.oauthError());
            assertEquals("description", e.oauthDescription());
            assertEquals("field", e.field());
            assertTrue(e.getMessage().startsWith(s.name() + ": detail"), e.getMessage());
        }
        assertEquals(Status.UNKNOWN, Status.fromCode(99));
        assertEquals(Status.UNKNOWN, Status.fromCode(-1));
    }

    @Test
    void statusAndStateEnumsMatchTheCLibrary() {
        Set<Status> known = EnumSet.allOf(Status.class);
        known.remove(Status.UNKNOWN);
        for (Status s : known) {
            assertEquals(s.name(), Hazy.statusName(s.code()), "hazy_status_name(" + s.code() + ")");
        }
        assertEquals("UNKNOWN", Hazy.statusName(16), "no C status beyond CLOSED (15)");
        for (JobState s : JobState.values()) {
            assertEquals(s.name().toLowerCase(java.util.Locale.ROOT), Hazy.stateName(s.code()));
            assertEquals(s, JobState.fromCode(s.code()));
        }
        assertEquals(JobState.UNKNOWN, JobState.fromCode(42));
        assertTrue(JobState.SUCCEEDED.isFinished() && JobState.FAILED.isFinished() && JobState.CANCELLED.isFinished());
        assertTrue(!JobState.QUEUED.isFinished() && !JobState.RUNNING.isFinished());
    }
}
