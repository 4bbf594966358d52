package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Train, follow, list, generate, cancel; and the job-related failures. */
class JobsTest {
    private static HazyClient client;

    @BeforeAll
    static void connect() {
        client = TestSupport.client();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

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
        assertEquals(3, TestSupport.simJobsTotal(project));
    }

    @Test
    void theRealisticTrainingConfigTrains() throws Exception {
        String config = new String(Files.readAllBytes(Paths.get("../../examples/training-config.json")),
                StandardCharsets.UTF_8);
        String project = TestSupport.project();
        TestSupport.jobDuration(project, 300);
        Job done = client.train(project, config).await(Duration.ofSeconds(60));
        assertEquals(JobState.SUCCEEDED, done.state());
        assertNotNull(done.modelId());
    }

    @Test
    void emptyProjectHasNoJobsOrModels() {
        String project = TestSupport.project();
        assertTrue(client.listJobs(project).isEmpty());
        assertTrue(client.listModels(project).isEmpty());
    }

    @Test
    void cancelAJobOnTheHub() throws Exception {
        Job job = TestSupport.train(client, 60000, TestSupport.CONFIG);
        Job cancelled = job.cancel();
        assertEquals(JobState.CANCELLED, cancelled.state());
        assertEquals(JobState.CANCELLED, job.refresh().state());
        assertEquals(JobState.CANCELLED, job.cancel().state(), "cancel is idempotent");
        CancelledException e = assertThrows(CancelledException.class, () -> job.await(Duration.ofSeconds(10)));
        assertEquals(Status.CANCELLED, e.status());
    }

    @Test
    void cancelFromAnotherThreadEndsTheWait() throws Exception {
        final Job job = TestSupport.train(client, 60000, TestSupport.CONFIG);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Throwable> waiter = pool.submit(() -> {
                try {
                    job.await(Duration.ofSeconds(60));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(500);
            job.cancel();
            Throwable t = waiter.get(20, TimeUnit.SECONDS);
            assertTrue(t instanceof CancelledException, String.valueOf(t));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitTimeoutIsTimeoutAndTheJobGoesOn() throws Exception {
        Job job = TestSupport.train(client, 60000, TestSupport.CONFIG);
        long start = System.nanoTime();
        HazyTimeoutException e = assertThrows(HazyTimeoutException.class, () -> job.await(Duration.ofMillis(700)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms >= 600 && ms < 10000, "waited " + ms + " ms");
        assertEquals(Status.TIMEOUT, e.status());
        assertFalse(job.refresh().isFinished(), "leaving a wait does not cancel the job");
        job.cancel();
    }

    @Test
    void nonPositiveTimeoutIsInvalidArgument() {
        Job job = client.train(TestSupport.project(), TestSupport.CONFIG);
        assertThrows(InvalidArgumentException.class, () -> job.await(Duration.ZERO));
        assertThrows(InvalidArgumentException.class, () -> job.await(Duration.ofSeconds(-1)));
        job.cancel();
    }

    @Test
    void cancellationTokenEndsAWaitFromAnotherThread() throws Exception {
        final Job job = TestSupport.train(client, 60000, TestSupport.CONFIG);
        final CancellationToken token = new CancellationToken();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Throwable> waiter = pool.submit(() -> {
                try {
                    job.await(Duration.ofSeconds(60), null, token);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
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
    void failingJobIsJobFailedWithTheReason() throws Exception {
        Job job = TestSupport.train(client, 300, TestSupport.FAILING_CONFIG);
        String project = job.projectId();
        JobFailedException e = assertThrows(JobFailedException.class, () -> job.await(Duration.ofSeconds(60)));
        assertEquals(Status.JOB_FAILED, e.status());
        Job failed = job.refresh();
        assertEquals(JobState.FAILED, failed.state());
        assertNotNull(failed.failureReason());
        assertTrue(e.getMessage().contains(failed.failureReason()), e.getMessage() + " / " + failed.failureReason());
        assertNull(failed.modelId());
        assertTrue(client.listModels(project).isEmpty());
    }

    @Test
    void invalidConfigIsValidationNamingTheFieldAndSendsNothing() throws Exception {
        String project = TestSupport.project();
        ValidationException missing = assertThrows(ValidationException.class,
                () -> client.train(project, TestSupport.NO_SCHEMA_CONFIG));
        assertEquals(Status.VALIDATION, missing.status());
        assertEquals("data_schema", missing.field());
        ValidationException notJson = assertThrows(ValidationException.class, () -> client.train(project, "{not json"));
        assertEquals(Status.VALIDATION, notJson.status());
        assertEquals(0, TestSupport.simRequestsTotal(project), "checked locally: nothing was sent");
    }

    @Test
    void missingScopeIsForbiddenNamingTheScope() {
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.clientCredentials(TestSupport.NOTRAIN_ID, TestSupport.NOTRAIN_SECRET));
            ForbiddenException e = assertThrows(ForbiddenException.class,
                    () -> c.train(TestSupport.project(), TestSupport.CONFIG));
            assertEquals(Status.FORBIDDEN, e.status());
            assertEquals("hazy/TrainJob:create", e.field());
            assertEquals(403, e.httpStatus());
        }
    }

    @Test
    void unknownJobAndModelAreNotFound() {
        String project = TestSupport.project();
        NotFoundException job = assertThrows(NotFoundException.class, () -> client.getJob("no-such-job-" + project));
        assertEquals(404, job.httpStatus());
        assertThrows(NotFoundException.class, () -> client.cancelJob("no-such-job-" + project));
        assertThrows(NotFoundException.class,
                () -> client.awaitJob("no-such-job-" + project, Duration.ofSeconds(5), null, null));
        assertThrows(NotFoundException.class, () -> client.generate(project, "no-such-model", 10));
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
        // The overloads send the caller's key (the Hub's replay rules are tested in the core);
        // a failed submission's exception carries the key it used, generated or given.
        String project = TestSupport.project();
        TestSupport.jobDuration(project, 200);
        String refuse = "{\"path_prefix\":\"/api/v1/projects/" + project + "/train-jobs\",\"method\":\"POST\","
                + "\"kind\":\"status\",\"status\":503,\"retry_after_s\":0,\"count\":1}";
        try (HazyClient c = TestSupport.builder().retryMaxAttempts(1).build()) {
            c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET));
            TestSupport.fault(refuse);
            String generated = assertThrows(ServerException.class, () -> c.train(project, TestSupport.CONFIG))
                    .idempotencyKey();
            assertNotNull(generated, "a failed train() carries its generated key");
            Job first = c.train(project, TestSupport.CONFIG, generated);

            TestSupport.fault(refuse);
            assertEquals("java-batch-run-42", assertThrows(ServerException.class,
                    () -> c.train(project, TestSupport.CONFIG, "java-batch-run-42")).idempotencyKey());
            Job job = c.train(project, TestSupport.CONFIG, "java-batch-run-42");
            assertEquals(job.id(), c.train(project, TestSupport.CONFIG, "java-batch-run-42").id());
            assertFalse(job.id().equals(first.id()));
            assertThrows(InvalidArgumentException.class, () -> c.train(project, TestSupport.CONFIG, "two words"));
            assertThrows(InvalidArgumentException.class, () -> c.train(project, TestSupport.CONFIG, null));
            assertNull(assertThrows(NotFoundException.class, () -> c.getJob("no-such-job")).idempotencyKey());
            assertEquals(2, TestSupport.simJobsTotal(project));

            String model = job.await(Duration.ofSeconds(60)).modelId();
            Job gen = c.generate(project, model, 10, null, "java-gen-1");
            assertEquals(gen.id(), c.generate(project, model, 10, null, "java-gen-1").id());
            assertEquals("generate", gen.kind());
        }
    }
}
