package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * 50 virtual threads share one client. Virtual threads exist from Java 21 on: pom.xml includes
 * this class only in runs on JDK 21+ (profile virtual-threads), and here it fails, never skips,
 * if they are missing. The API is reached by reflection because the tests compile for Java 8.
 */
class VirtualThreadTest {

    @Test
    void fiftyVirtualThreadsShareOneClient() throws Exception {
        Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        Method isVirtual = Thread.class.getMethod("isVirtual");
        String project = TestSupport.project();
        // A virtual thread inside libhazy pins its carrier (a native frame): keep jobs short so
        // that the run does not depend on how many carriers there are.
        TestSupport.jobDuration(project, 300);
        ExecutorService pool = (ExecutorService) factory.invoke(null);
        try (HazyClient client = TestSupport.client()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ConcurrencyTest.Outcome>> futures = new ArrayList<Future<ConcurrencyTest.Outcome>>();
            List<Future<Boolean>> virtual = new ArrayList<Future<Boolean>>();
            for (int n = 0; n < ConcurrencyTest.THREADS; n++) {
                final Callable<ConcurrencyTest.Outcome> work = ConcurrencyTest.work(client, project, start, n);
                futures.add(pool.submit(work));
            }
            for (int n = 0; n < 5; n++) {
                virtual.add(pool.submit(() -> (Boolean) isVirtual.invoke(Thread.currentThread())));
            }
            start.countDown();
            for (Future<Boolean> v : virtual) {
                assertTrue(v.get(60, TimeUnit.SECONDS), "tasks run on virtual threads");
            }
            List<ConcurrencyTest.Outcome> outcomes = new ArrayList<ConcurrencyTest.Outcome>();
            for (Future<ConcurrencyTest.Outcome> f : futures) {
                outcomes.add(f.get(240, TimeUnit.SECONDS));
            }
            assertEquals(ConcurrencyTest.THREADS, outcomes.size());
            ConcurrencyTest.verify(client, project, outcomes);
        } finally {
            pool.shutdownNow();
        }
    }
}
