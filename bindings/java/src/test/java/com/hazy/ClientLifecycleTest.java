package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Building, closing, the cleaner, and use after close. */
class ClientLifecycleTest {

    @Test
    void builderAcceptsEveryTypedSetting() throws Exception {
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("hazy-ca", ".pem");
        try {
            java.nio.file.Files.write(pem, Collections.singletonList(""));
            try (HazyClient c = HazyClient.builder().host(TestSupport.hubUrl()).realm("hazy")
                    .authUrl(TestSupport.keycloakUrl()).tokenUrl(TestSupport.tokenUrl())
                    .connectTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).userAgent("libhazy-java-test").retryMaxAttempts(2)
                    .option("client_auth", "basic").option("token_refresh_margin_s", "10")
                    .credentials(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET)).build()) {
                c.authenticate();
                assertEquals(1, c.tokenRequestCount());
                assertEquals(0, c.listJobs(TestSupport.project()).size());
            }
        } finally {
            java.nio.file.Files.delete(pem);
        }
    }

    @Test
    void unknownOptionIsInvalidArgumentNamingTheKey() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> HazyClient.builder().option("no_such_option", "1").build());
        assertEquals(Status.INVALID_ARGUMENT, e.status());
        assertTrue(e.getMessage().contains("no_such_option"), e.getMessage());
    }

    /** The option reaches the library; how processes share the file is tested in the Rust and CLI suites. */
    @Test
    void aTokenCacheInAMissingDirectoryIsInvalidArgument() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> HazyClient.builder().host(TestSupport.hubUrl())
                        .tokenCache(java.nio.file.Paths.get("/nonexistent-hazy-dir/tokens.json")).build());
        assertTrue(e.getMessage().contains("token_cache"), e.getMessage());
    }

    @Test
    void malformedValuesAreInvalidArgument() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> HazyClient.builder().option("connect_timeout_ms", "soon").build());
        assertTrue(e.getMessage().contains("connect_timeout_ms"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> HazyClient.builder().host("not a url").build());
        assertThrows(InvalidArgumentException.class, () -> HazyClient.builder().connectTimeout(Duration.ofSeconds(-1)));
        assertThrows(InvalidArgumentException.class,
                () -> HazyClient.builder().caBundle("/nonexistent/hazy-ca.pem").host(TestSupport.hubUrl()).build());
    }

    @Test
    void secretsNeverAppearInToString() {
        String secret = "s3cr3t-value-xyz";
        String[] shown = {
            Credentials.clientCredentials("id", secret).toString(),
            Credentials.password("id", secret, "user", secret).toString(),
            Credentials.bearer(secret).toString(),
            HazyClient.builder().credentials(Credentials.password("id", secret, "user", secret))
                    .option("access_token", secret).toString(),
            // A credential command line may carry a secret too.
            HazyClient.builder().credentialCommand("vault-login --token " + secret).toString(),
            HazyClient.builder().credentialCommand(java.util.Arrays.asList("vault-login", secret)).toString(),
            HazyClient.builder().credentialCommandShell("vault-login --token " + secret).toString(),
        };
        for (String s : shown) {
            assertFalse(s.contains(secret), s);
            assertTrue(s.contains("****"), s);
        }
        assertTrue(shown[1].contains("user"), shown[1]);
        assertEquals("client_credentials", Credentials.clientCredentials("id", secret).grant());
        assertEquals("password", Credentials.password("id", null, "u", secret).grant());
        assertEquals("bearer", Credentials.bearer(secret).grant());
    }

    @Test
    void aRealErrorObjectIsCopiedWholeWithoutTheSecret() {
        // Keycloak's refusal is only the means: its error object's fields reach the exception.
        String secret = "wrong-Sup3r-S3cret-9999";
        try (HazyClient c = TestSupport.builder().build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, secret)));
            assertTrue(e.httpStatus() >= 400 && e.oauthError() != null && e.requestId() != null, e.toString());
            assertTrue(e.getMessage().contains(e.oauthError()), e.getMessage());
            assertFalse(e.toString().contains(secret), e.toString());
            assertFalse(String.valueOf(e.oauthDescription()).contains(secret));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrowsClosed() {
        HazyClient c = TestSupport.client();
        final String project = TestSupport.project();
        Job job = c.train(project, TestSupport.CONFIG);
        assertFalse(c.nativeFreed());
        c.close();
        assertTrue(c.isClosed());
        assertFalse(c.nativeFreed(), "close releases the native state; only the cleaner frees the handle");
        c.close();
        c.close();
        assertEquals("HazyClient[closed]", c.toString());

        Map<String, Executable> calls = new LinkedHashMap<String, Executable>();
        calls.put("authenticate()", c::authenticate);
        calls.put("authenticate(creds)", () -> c.authenticate(Credentials.bearer("x")));
        calls.put("accessToken", c::accessToken);
        calls.put("logout", c::logout);
        calls.put("tokenRequestCount", c::tokenRequestCount);
        calls.put("train", () -> c.train(project, TestSupport.CONFIG));
        calls.put("generate", () -> c.generate(project, "m", 10));
        calls.put("train with key", () -> c.train(project, TestSupport.CONFIG, "k-1"));
        calls.put("generate with key", () -> c.generate(project, "m", 10, null, "k-2"));
        calls.put("getJob", () -> c.getJob(job.id()));
        calls.put("cancelJob", () -> c.cancelJob(job.id()));
        calls.put("listJobs", () -> c.listJobs(project));
        calls.put("listModels", () -> c.listModels(project));
        calls.put("job.refresh", job::refresh);
        calls.put("job.cancel", job::cancel);
        calls.put("job.await", () -> job.await(Duration.ofSeconds(5)));
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            ClosedException e = assertThrows(ClosedException.class, call.getValue(), call.getKey());
            assertEquals(Status.CLOSED, e.status(), call.getKey());
            assertTrue(e.getMessage().contains("closed"), call.getKey() + ": " + e.getMessage());
        }
    }

    @Test
    void closeFromAnotherThreadEndsAWaitAndFreesOnlyAfterIt() throws Exception {
        String project = TestSupport.project();
        TestSupport.jobDuration(project, 60000);
        final HazyClient c = TestSupport.client();
        final Job job = c.train(project, TestSupport.CONFIG);
        final CountDownLatch polling = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Throwable> waiter = TestSupport.awaitInBackground(pool, job, Duration.ofSeconds(60),
                    j -> polling.countDown(), null);
            assertTrue(polling.await(30, TimeUnit.SECONDS), "the wait polled");
            long start = System.nanoTime();
            c.close();
            assertTrue(c.isClosed());
            Throwable t = waiter.get(10, TimeUnit.SECONDS);
            assertTrue(t instanceof ClosedException, String.valueOf(t));
            assertTrue(t.getMessage().contains("closed"), t.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the wait ended promptly");
            assertFalse(c.nativeFreed(), "only the cleaner frees the handle");
        } finally {
            pool.shutdownNow();
        }
        // The job itself goes on on the Hub: closing only ended the wait.
        try (HazyClient other = TestSupport.client()) {
            assertFalse(other.getJob(job.id()).isFinished());
            other.cancelJob(job.id());
        }
    }

    @Test
    void closeInsideAProgressListenerIsSafe() throws Exception {
        String project = TestSupport.project();
        TestSupport.jobDuration(project, 60000);
        final HazyClient c = TestSupport.client();
        Job job = c.train(project, TestSupport.CONFIG);
        final AtomicReference<Throwable> inListener = new AtomicReference<Throwable>();
        ClosedException e = assertThrows(ClosedException.class, () -> job.await(Duration.ofSeconds(30), j -> {
            c.close();
            try {
                j.refresh();
            } catch (Throwable t) {
                inListener.set(t);
            }
        }));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(inListener.get() instanceof ClosedException, String.valueOf(inListener.get()));
        assertTrue(c.isClosed());
        try (HazyClient other = TestSupport.client()) {
            other.cancelJob(job.id());
        }
    }

    @Test
    void concurrentCloseAndCallsNeverCrash() throws Exception {
        // Many threads call while another closes: each call either works or throws
        // ClosedException; nothing else, and the JVM survives.
        for (int round = 0; round < 5; round++) {
            final HazyClient c = TestSupport.client();
            final String project = TestSupport.project();
            final AtomicReference<Throwable> unexpected = new AtomicReference<Throwable>();
            final AtomicBoolean sawClosed = new AtomicBoolean();
            final CountDownLatch start = new CountDownLatch(1);
            Thread[] threads = new Thread[8];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(() -> {
                    try {
                        start.await();
                        for (int k = 0; k < 20; k++) {
                            try {
                                c.listJobs(project);
                                c.tokenRequestCount();
                            } catch (ClosedException e) {
                                sawClosed.set(true);
                                return;
                            }
                        }
                    } catch (Throwable t) {
                        unexpected.compareAndSet(null, t);
                    }
                });
                threads[i].start();
            }
            start.countDown();
            Thread.sleep(20 * round);
            c.close();
            for (Thread t : threads) {
                t.join(30000);
                assertFalse(t.isAlive());
            }
            if (unexpected.get() != null) {
                throw new AssertionError("unexpected failure", unexpected.get());
            }
        }
    }

    @Test
    void closeEndsWaitsInOtherThreadsWithin100msAndGetsInFlightFinish() throws Exception {
        // A slow local server keeps 3 job gets and 3 waits in flight; close() overtakes them.
        final int getters = 3;
        final int waiters = 3;
        try (SlowJobServer server = new SlowJobServer(300)) {
            final HazyClient c = HazyClient.builder().host(server.url()).option("access_token", "lifetime-test-token")
                    .pollInterval(Duration.ofMillis(20)).build();
            final Job job = c.getJob("job-1");
            int before = server.requests();
            ExecutorService pool = Executors.newFixedThreadPool(getters + waiters);
            try {
                List<Future<Object[]>> outcomes = new ArrayList<Future<Object[]>>();
                for (int i = 0; i < getters + waiters; i++) {
                    final boolean wait = i >= getters;
                    outcomes.add(pool.submit(() -> {
                        Throwable thrown = null;
                        try {
                            if (wait) {
                                job.await();
                            } else {
                                job.refresh();
                            }
                        } catch (Throwable t) {
                            thrown = t;
                        }
                        return new Object[] {wait, thrown, System.nanoTime()};
                    }));
                }
                long deadline = System.currentTimeMillis() + 10000;
                while (server.requests() - before < getters + waiters && System.currentTimeMillis() < deadline) {
                    Thread.sleep(5);
                }
                assertTrue(server.requests() - before >= getters + waiters, "the calls reached the server");
                Thread.sleep(100);
                long closedAt = System.nanoTime();
                c.close();
                assertTrue(System.nanoTime() - closedAt < TimeUnit.MILLISECONDS.toNanos(50), "close() does not wait");
                assertEquals(Status.CLOSED, assertThrows(ClosedException.class, () -> c.getJob("job-1")).status());
                assertThrows(ClosedException.class, job::refresh);
                long slowest = 0;
                for (Future<Object[]> f : outcomes) {
                    Object[] o = f.get(10, TimeUnit.SECONDS);
                    Throwable t = (Throwable) o[1];
                    if ((Boolean) o[0]) {
                        assertTrue(t instanceof ClosedException, "a wait ended with " + t);
                        long afterMs = TimeUnit.NANOSECONDS.toMillis((Long) o[2] - closedAt);
                        assertTrue(afterMs < 100, "a wait returned " + afterMs + " ms after close()");
                        slowest = Math.max(slowest, afterMs);
                    } else {
                        assertEquals(null, t, "a get in flight finishes its request");
                    }
                }
                assertFalse(c.nativeFreed(), "only the cleaner frees the handle");
                System.out.println("lifetime: slowest wait ended " + slowest + " ms after close()");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void stringsWithANulAreRefused() {
        String secret = "se\0cret-value-xyz";
        try (HazyClient c = TestSupport.client()) {
            Map<String, Executable> calls = new LinkedHashMap<String, Executable>();
            calls.put("train project", () -> c.train("p\0x", TestSupport.CONFIG));
            calls.put("train config", () -> c.train("p", TestSupport.CONFIG + "\0"));
            calls.put("train key", () -> c.train("p", TestSupport.CONFIG, "k\0"));
            calls.put("generate model", () -> c.generate("p", "m\0", 1));
            calls.put("getJob", () -> c.getJob("j\0"));
            calls.put("cancelJob", () -> c.cancelJob("j\0"));
            calls.put("awaitJob", () -> c.awaitJob("j\0", null, null, null));
            calls.put("listJobs", () -> c.listJobs("p\0"));
            calls.put("listModels", () -> c.listModels("p\0"));
            calls.put("client credentials", () -> Credentials.clientCredentials("api", secret));
            calls.put("password", () -> Credentials.password("api", null, "u", secret));
            calls.put("bearer", () -> Credentials.bearer(secret));
            calls.put("option", () -> HazyClient.builder().option("client_secret", secret));
            for (Map.Entry<String, Executable> call : calls.entrySet()) {
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call.getValue(), call.getKey());
                assertTrue(e.getMessage().contains("NUL"), call.getKey() + ": " + e.getMessage());
                assertFalse(e.getMessage().contains("cret-value"), call.getKey() + ": the value is echoed");
            }
            assertEquals(0, c.listJobs("p-nul-" + TestSupport.project()).size(), "the client still works");
        }
    }

    @Test
    void anUnreachableClientIsFreedByTheCleaner() throws Exception {
        long before = HazyClient.Handle.FREED.get();
        for (int i = 0; i < 3; i++) {
            HazyClient.builder().host(TestSupport.hubUrl()).build();
        }
        long deadline = System.currentTimeMillis() + 20000;
        while (HazyClient.Handle.FREED.get() < before + 3 && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(HazyClient.Handle.FREED.get() >= before + 3,
                "cleaner (" + Cleaners.get().kind() + ") freed " + (HazyClient.Handle.FREED.get() - before));
    }

    @Test
    void theJava8PhantomReferenceCleanerFreesClients() throws Exception {
        // A child JVM forced onto the implementation that Java 8 uses.
        TestSupport.Result r = TestSupport.runJava(CleanerProbe.class,
                Arrays.asList("-Dhazy.cleaner=phantom", "-Dhazy.library.path=" + System.getProperty("hazy.library.path")),
                Collections.<String, String>emptyMap());
        assertEquals(0, r.exitCode, r.output);
        assertTrue(r.output.contains("cleaner=phantom-reference"), r.output);
        assertTrue(r.output.contains("freed=5"), r.output);
    }

    @Test
    void phantomCleanerRunsAnActionOnceAndCleanDeregisters() throws Exception {
        Cleaners.PhantomCleaner cleaner = new Cleaners.PhantomCleaner("hazy-cleaner-test");
        final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        Cleaners.Cleanable explicit = cleaner.register(new Object(), runs::incrementAndGet);
        explicit.clean();
        explicit.clean();
        assertEquals(1, runs.get());
        cleaner.register(new Object(), runs::incrementAndGet);
        long deadline = System.currentTimeMillis() + 20000;
        while (runs.get() < 2 && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(2, runs.get());
    }

    @Test
    void fromEnvironmentReadsTheHazyVariables() throws Exception {
        String project = TestSupport.project();
        Map<String, String> env = new HashMap<String, String>();
        env.put("HAZY_HUB_HOST", TestSupport.hubUrl());
        env.put("HAZY_CLIENT_ID", TestSupport.API_ID);
        env.put("HAZY_CLIENT_SECRET", TestSupport.API_SECRET);
        TestSupport.Result ok = TestSupport.runJava(EnvProbe.class,
                Arrays.asList("-Dhazy.library.path=" + System.getProperty("hazy.library.path")), env, project);
        assertEquals(0, ok.exitCode, ok.output);
        assertTrue(ok.output.contains("token_requests=1"), ok.output);
        assertTrue(ok.output.contains("jobs=0"), ok.output);
    }

    @Test
    void versionAndNames() {
        assertNotNull(Hazy.libraryVersion());
        assertTrue(Hazy.libraryVersion().startsWith("0."), Hazy.libraryVersion());
        assertEquals("hazy.library.path", Hazy.librarySource());
    }
}
