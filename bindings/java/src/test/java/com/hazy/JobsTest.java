package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one happy path against the stack (train, follow, list, generate) with every getter the
 * binding copies; and the binding's own layer of jobs: Duration and argument checks, UTF-8,
 * cancellation tokens, interrupts, the Idempotency-Key overloads. What the Hub does with jobs
 * (cancel, failure, scopes, unknown ids, replays) is tested once, in tests/integration.
 */
class JobsTest extends SharedClientTest {
    @Test
    void trainFollowListAndGenerate() throws Exception {
        String project = TestSupport.project();
        TestSupport.jobDuration(project, 1500);
        Job submitted = client.train(project, TestSupport.CONFIG);
        assertEquals(project, submitted.projectId());
        assertEquals("train", submitted.kind());
        assertFalse(submitted.isFinished(), submitted.toString());
        assertNull(submitted.modelId());
        assertTrue(submitted.client() == client);

        final List<Job> seen = Collections.synchronizedList(new ArrayList<Job>());
        final List<Thread> threads = Collections.synchronizedList(new ArrayList<Thread>());
        Job done = submitted.await(Duration.ofSeconds(60), job -> {
            seen.add(job);
            threads.add(Thread.currentThread());
        });
        assertEquals(JobState.SUCCEEDED, done.state());
        assertEquals(1.0, done.progress(), 1e-9);
        assertEquals(submitted.id(), done.id());
        assertNotNull(done.modelId());
        assertFalse(seen.isEmpty(), "the listener was called");
        for (Thread t : threads) {
            assertTrue(t == Thread.currentThread(), "the listener runs on the waiting thread");
        }
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).progress() >= seen.get(i - 1).progress(), "progress never decreases");
        }
        assertEquals(JobState.SUCCEEDED, seen.get(seen.size() - 1).state());
        assertTrue(seen.get(0).id().equals(submitted.id()));

        // refresh() and getJob() fetch the same finished job.
        Job status = submitted.refresh();
        assertEquals(JobState.SUCCEEDED, status.state());
        assertEquals(done.modelId(), client.getJob(submitted.id()).modelId());
        assertTrue(status.toString().contains(done.modelId()), status.toString());

        List<Job> jobs = client.listJobs(project);
        assertEquals(1, jobs.size());
        assertEquals(submitted.id(), jobs.get(0).id());
        assertEquals(JobState.SUCCEEDED, jobs.get(0).state());

        List<Model> models = client.listModels(project);
        assertEquals(1, models.size());
        Model model = models.get(0);
        assertEquals(done.modelId(), model.id());
        assertEquals(project, model.projectId());
        assertEquals(submitted.id(), model.trainJobId());
        assertEquals("priv_bayes", model.generatorType());
        assertEquals(1000.0, model.epsilon().getAsDouble(), 1e-9);
        assertTrue(model.toString().contains(model.id()));

        // Generation from the model: rows only, and a config only.
        Job gen = client.generate(project, model.id(), 100);
        assertEquals("generate", gen.kind());
        Job genDone = gen.await(Duration.ofSeconds(60));
        assertEquals(JobState.SUCCEEDED, genDone.state());
        assertEquals(model.id(), genDone.modelId(), "a generation job names its source model");
        Job gen2 = client.generate(project, model.id(), 0,
                "{\"num_rows\": 5, \"output_location\": \"s3://b/out/\"}").await();
        assertEquals(JobState.SUCCEEDED, gen2.state());
        assertEquals("s3://b/out/", gen2.outputLocation(), "where the rows went");
        assertNull(submitted.outputLocation(), "a train job writes no rows");

        List<Job> all = client.listJobs(project);
        assertEquals(3, all.size());
        assertEquals(submitted.id(), all.get(0).id(), "oldest first");
        assertEquals(gen.id(), all.get(1).id());
        assertEquals(gen2.id(), all.get(2).id());
    }

    @Test
    void emptyProjectHasNoJobsOrModels() {
        String project = TestSupport.project();
        assertTrue(client.listJobs(project).isEmpty());
        assertTrue(client.listModels(project).isEmpty());
    }

    @Test
    void aDurationTimeoutReachesTheWait() throws Exception {
        Job job = TestSupport.train(client, 60000, TestSupport.CONFIG);
        assertThrows(InvalidArgumentException.class, () -> job.await(Duration.ZERO));
        assertThrows(InvalidArgumentException.class, () -> job.await(Duration.ofSeconds(-1)));
        long start = System.nanoTime();
        HazyTimeoutException e = assertThrows(HazyTimeoutException.class, () -> job.await(Duration.ofMillis(700)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms >= 600 && ms < 10000, "waited " + ms + " ms");
        assertEquals(Status.TIMEOUT, e.status());
        job.cancel();
    }

    @Test
    void cancellationTokenEndsAWaitFromAnotherThread() throws Exception {
        final Job job = TestSupport.train(client, 60000, TestSupport.CONFIG);
        final CancellationToken token = new CancellationToken();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Throwable> waiter = TestSupport.awaitInBackground(pool, job, Duration.ofSeconds(60), null, token);
            Thread.sleep(500);
            long start = System.nanoTime();
            token.cancel();
            Throwable t = waiter.get(10, TimeUnit.SECONDS);
            assertTrue(t instanceof CancelledException, String.valueOf(t));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "promptly");
            assertTrue(token.isCancelled());
            // A cancelled token ends later waits at once; the job itself was not cancelled.
            assertThrows(CancelledException.class, () -> job.await(Duration.ofSeconds(30), null, token));
            assertFalse(job.refresh().isFinished());
        } finally {
            pool.shutdownNow();
            job.cancel();
        }
    }

    @Test
    void interruptEndsAWaitAndKeepsTheFlag() throws Exception {
        final Job job = TestSupport.train(client, 60000, TestSupport.CONFIG);
        final Thread waiter = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            waiter.interrupt();
        });
        interrupter.start();
        try {
            CancelledException e = assertThrows(CancelledException.class, () -> job.await(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt flag stays set (and is cleared here)");
        } finally {
            interrupter.join();
            Thread.interrupted();
            job.cancel();
        }
    }

    @Test
    void invalidConfigIsValidationNamingTheField() throws Exception {
        String project = TestSupport.project();
        ValidationException missing = assertThrows(ValidationException.class,
                () -> client.train(project, TestSupport.NO_SCHEMA_CONFIG));
        assertEquals(Status.VALIDATION, missing.status());
        assertEquals("data_schema", missing.field());
        ValidationException notJson = assertThrows(ValidationException.class, () -> client.train(project, "{not json"));
        assertEquals(Status.VALIDATION, notJson.status());
    }

    @Test
    void missingArgumentsAreInvalidArgument() {
        assertThrows(InvalidArgumentException.class, () -> client.train("", TestSupport.CONFIG));
        assertThrows(InvalidArgumentException.class, () -> client.train(TestSupport.project(), null));
        assertThrows(InvalidArgumentException.class, () -> client.getJob(null));
        assertThrows(InvalidArgumentException.class, () -> client.generate(TestSupport.project(), "m", -1));
        ValidationException neither = assertThrows(ValidationException.class,
                () -> client.generate(TestSupport.project(), "m", 0, null), "neither rows nor config");
        assertEquals("num_rows", neither.field());
        assertThrows(InvalidArgumentException.class, () -> client.listJobs(""));
    }

    @Test
    void nonAsciiTextTravelsAsUtf8() {
        // A project id outside ASCII goes to the Hub and back unchanged.
        String project = "java-\u00e9t\u00e9-" + TestSupport.project().substring(5);
        Job job = client.train(project, TestSupport.CONFIG);
        assertEquals(project, job.projectId());
        assertEquals(project, client.listJobs(project).get(0).projectId());
        job.cancel();
    }

    @Test
    void idempotencyKeyOverloadsAndTheExceptionsKey() throws Exception {
        // Without a Hub (a closed port): the key a failed submission used, generated or given,
        // comes back in its exception. What the Hub does with keys is tested in the core.
        try (HazyClient c = HazyClient.builder().host("http://127.0.0.1:" + TestSupport.closedPort())
                .option("access_token", "no-hub-token").retryMaxAttempts(1).build()) {
            String project = TestSupport.project();
            String generated = assertThrows(NetworkException.class, () -> c.train(project, TestSupport.CONFIG))
                    .idempotencyKey();
            assertNotNull(generated, "a failed train() carries its generated key");
            assertFalse(generated.equals(assertThrows(NetworkException.class,
                    () -> c.generate(project, "m", 10)).idempotencyKey()), "a new key per call");
            assertEquals("java-batch-run-42", assertThrows(NetworkException.class,
                    () -> c.train(project, TestSupport.CONFIG, "java-batch-run-42")).idempotencyKey());
            assertEquals("java-gen-1", assertThrows(NetworkException.class,
                    () -> c.generate(project, "m", 10, null, "java-gen-1")).idempotencyKey());
            assertThrows(InvalidArgumentException.class, () -> c.train(project, TestSupport.CONFIG, "two words"));
            assertThrows(InvalidArgumentException.class, () -> c.train(project, TestSupport.CONFIG, null));
            assertNull(assertThrows(NetworkException.class, () -> c.getJob("no-such-job")).idempotencyKey());
        }
    }
}
