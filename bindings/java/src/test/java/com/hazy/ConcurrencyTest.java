package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** 50 platform threads share one client. */
class ConcurrencyTest {
    static final int THREADS = 50;

    /** What one thread did: its job, and the error detail of its own failing call. */
    static final class Outcome {
        final String threadName;
        final Job done;
        final NotFoundException ownError;

        Outcome(String threadName, Job done, NotFoundException ownError) {
            this.threadName = threadName;
            this.done = done;
            this.ownError = ownError;
        }
    }

    /**
     * One thread's work: train, follow to the end, and make a call that fails with a detail
     * unique to this thread (a job id of its own), proving that error detail never leaks
     * between threads.
     */
    static Callable<Outcome> work(final HazyClient client, final String project, final CountDownLatch start,
            final int n) {
        return () -> {
            start.await();
            Job job = client.train(project, TestSupport.CONFIG);
            Job done = job.await(Duration.ofSeconds(120), j -> {
                if (!j.id().equals(job.id())) {
                    throw new AssertionError("listener saw another thread's job");
                }
            });
            NotFoundException own = null;
            try {
                client.getJob("missing-" + n + "-" + job.id());
            } catch (NotFoundException e) {
                own = e;
            }
            return new Outcome(Thread.currentThread().getName(), done, own);
        };
    }

    /** Checks the outcomes against the Hub's list and the simulator's own count. */
    static void verify(HazyClient client, String project, List<Outcome> outcomes) throws Exception {
        assertEquals(THREADS, outcomes.size());
        Set<String> ids = new HashSet<String>();
        Set<String> models = new HashSet<String>();
        for (int n = 0; n < outcomes.size(); n++) {
            Outcome o = outcomes.get(n);
            assertEquals(JobState.SUCCEEDED, o.done.state());
            assertNotNull(o.done.modelId());
            ids.add(o.done.id());
            models.add(o.done.modelId());
            assertNotNull(o.ownError, "every thread's lookup failed");
            assertTrue(o.ownError.getMessage().contains("missing-" + n + "-" + o.done.id()),
                    "thread " + n + " got its own error detail: " + o.ownError.getMessage());
        }
        assertEquals(THREADS, ids.size(), "one distinct job per thread");
        assertEquals(THREADS, models.size(), "one distinct model per job");
        // One job per submission and one token for all threads are the core's (test_hub_e2e.py,
        // tests/token_lifecycle.rs); here: a 50-element list comes through whole.
        Set<String> listedIds = new HashSet<String>();
        for (Job j : client.listJobs(project)) {
            listedIds.add(j.id());
        }
        assertEquals(ids, listedIds, "listJobs has every job");
    }

    @Test
    void fiftyPlatformThreadsShareOneClient() throws Exception {
        String project = TestSupport.project();
        TestSupport.jobDuration(project, 1000);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (HazyClient client = TestSupport.client()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Outcome>> futures = new ArrayList<Future<Outcome>>();
            for (int n = 0; n < THREADS; n++) {
                futures.add(pool.submit(work(client, project, start, n)));
            }
            start.countDown();
            List<Outcome> outcomes = new ArrayList<Outcome>();
            Set<String> threadNames = new HashSet<String>();
            for (Future<Outcome> f : futures) {
                Outcome o = f.get(180, TimeUnit.SECONDS);
                outcomes.add(o);
                threadNames.add(o.threadName);
            }
            assertEquals(THREADS, threadNames.size(), "50 distinct threads");
            verify(client, project, outcomes);
        } finally {
            pool.shutdownNow();
        }
    }
}
