package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A progress listener that throws, calls back into the client, or stops the wait. */
class ProgressListenerTest {
    private static HazyClient client;

    @BeforeAll
    static void connect() {
        client = TestSupport.client();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    private static Job longJob() throws Exception {
        return TestSupport.train(client, 60000, TestSupport.CONFIG);
    }

    @Test
    void anExceptionFromTheListenerStopsTheWaitAndIsRethrown() throws Exception {
        Job job = longJob();
        final IllegalStateException boom = new IllegalStateException("listener failed on purpose");
        final AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> job.await(Duration.ofSeconds(30), j -> {
                    calls.incrementAndGet();
                    throw boom;
                }));
        assertSame(boom, thrown, "the listener's own exception comes out of await");
        assertEquals(1, calls.get(), "the wait stopped at the first throw");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "promptly, not at the timeout");
        assertFalse(job.refresh().isFinished(), "stopping the wait does not cancel the job");
        // The client is fine afterwards.
        assertEquals(1, client.listJobs(job.projectId()).size());
        job.cancel();
    }

    @Test
    void anErrorFromTheListenerIsRethrownToo() throws Exception {
        Job job = longJob();
        final AssertionError error = new AssertionError("an Error from the listener");
        AssertionError thrown = assertThrows(AssertionError.class, () -> job.await(Duration.ofSeconds(30), j -> {
            throw error;
        }));
        assertSame(error, thrown);
        job.cancel();
    }

    @Test
    void theListenerMayCallTheClient() throws Exception {
        Job job = TestSupport.train(client, 800, TestSupport.CONFIG);
        String project = job.projectId();
        final AtomicInteger nested = new AtomicInteger();
        Job done = job.await(Duration.ofSeconds(30), j -> {
            assertEquals(j.id(), j.refresh().id());
            assertEquals(1, client.listJobs(project).size());
            nested.incrementAndGet();
        });
        assertEquals(JobState.SUCCEEDED, done.state());
        assertTrue(nested.get() > 0);
    }

    @Test
    void theListenerMayCancelTheJob() throws Exception {
        Job job = longJob();
        CancelledException e = assertThrows(CancelledException.class, () -> job.await(Duration.ofSeconds(30), j -> {
            if (j.state() != JobState.CANCELLED) {
                j.cancel();
            }
        }));
        assertEquals(Status.CANCELLED, e.status());
        assertEquals(JobState.CANCELLED, job.refresh().state());
    }

    @Test
    void manyWaitsWithThrowingListenersLeaveNothingBehind() throws Exception {
        // The wait registry and callback stay consistent across many stopped waits.
        Job job = longJob();
        for (int i = 0; i < 20; i++) {
            final int n = i;
            RuntimeException e = assertThrows(RuntimeException.class, () -> job.await(Duration.ofSeconds(30), j -> {
                throw new RuntimeException("stop " + n);
            }));
            assertEquals("stop " + n, e.getMessage());
        }
        job.cancel();
    }
}
