package com.hazy;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The test environment: the HAZY_TEST_* variables set by tests/stack/stack.py (a real Keycloak
 * and the Hub simulator), the realm's fixed test clients, the simulator's admin API, and
 * helpers to run a second JVM.
 */
final class TestSupport {
    private TestSupport() {
    }

    // The realm's test principals (tests/realm/hazy-realm.json), from the HAZY_TEST_* variables
    // that tests/stack/stack.py exports: no secret is repeated here.
    static final String API_ID = env("HAZY_TEST_CLIENT_ID");
    static final String API_SECRET = env("HAZY_TEST_CLIENT_SECRET");
    static final String ANALYST = env("HAZY_TEST_USERNAME");
    static final String ANALYST_PASSWORD = env("HAZY_TEST_PASSWORD");

    static final String CONFIG = "{\"data_schema\":{\"tables\":[{\"name\":\"t\",\"dtypes\":[{\"type\":\"int\",\"col\":\"a\"}]}]},"
            + "\"data_input\":[{\"name\":\"t\",\"location\":\"s3://b/t.csv\"}],"
            + "\"model_parameters\":{\"generator\":{\"generator_type\":\"priv_bayes\",\"epsilon\":1000.0}}}";
    static final String NO_SCHEMA_CONFIG = "{\"data_input\":[{\"name\":\"t\",\"location\":\"s3://b/t.csv\"}]}";

    static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException(name + " is not set: run the tests through bindings/java/run-tests.sh "
                    + "inside tests/stack/stack.py (make test-java does), which starts Keycloak and the simulator");
        }
        return v;
    }

    /** The simulator's base URL: the library's host. */
    static String hubUrl() {
        return env("HAZY_TEST_HUB_URL");
    }

    static String keycloakUrl() {
        return env("HAZY_TEST_KEYCLOAK_URL");
    }

    static String tokenUrl() {
        return env("HAZY_TEST_TOKEN_URL");
    }

    /** Submits {@code config} in a fresh project whose jobs take {@code jobMs} on the simulator. */
    static Job train(HazyClient client, long jobMs, String config) throws IOException {
        String project = project();
        jobDuration(project, jobMs);
        return client.train(project, config);
    }

    /** A fresh project id, so that tests sharing one simulator never see each other's jobs. */
    static String project() {
        return "java-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** A builder for the simulator with fast polling. */
    static HazyClient.Builder builder() {
        return HazyClient.builder().host(hubUrl()).pollInterval(Duration.ofMillis(100));
    }

    /** A client authenticated with client credentials of `api` (all scopes). */
    static HazyClient client() {
        HazyClient c = builder().build();
        c.authenticate(Credentials.clientCredentials(API_ID, API_SECRET));
        return c;
    }

    /** Runs {@code job.await(timeout, listener, token)} on {@code pool}: the future holds what it threw, or null. */
    static Future<Throwable> awaitInBackground(ExecutorService pool, final Job job, final Duration timeout,
            final ProgressListener listener, final CancellationToken token) {
        return pool.submit(() -> {
            try {
                job.await(timeout, listener, token);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
    }

    /** A port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------ simulator admin API

    static String http(String method, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(hubUrl() + path).openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int code = c.getResponseCode();
        InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : readAll(in);
        if (code >= 300) {
            throw new IOException(method + " " + path + " answered " + code + ": " + text);
        }
        return text;
    }

    /** Jobs of {@code project} created from now on take {@code ms} milliseconds. */
    static void jobDuration(String project, long ms) throws IOException {
        http("PUT", "/_sim/projects/" + project, "{\"job_duration_ms\":" + ms + "}");
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ a second JVM

    /** The output and exit code of a child JVM. */
    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    static File codeSource(Class<?> c) {
        try {
            return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code mainClass} (from the test classes) in a new JVM of the running JDK, with the
     * binding's classes and JNA on the class path, the given -D properties and environment
     * changes (null value = remove). LD_LIBRARY_PATH is removed unless given.
     */
    static Result runJava(Class<?> mainClass, List<String> jvmArgs, Map<String, String> envChanges, String... args)
            throws IOException, InterruptedException {
        String cp = codeSource(HazyClient.class) + File.pathSeparator + codeSource(com.sun.jna.Native.class)
                + File.pathSeparator + codeSource(TestSupport.class);
        List<String> cmd = new ArrayList<String>();
        cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(mainClass.getName());
        for (String a : args) {
            cmd.add(a);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("LD_LIBRARY_PATH");
        for (Map.Entry<String, String> e : envChanges.entrySet()) {
            if (e.getValue() == null) {
                pb.environment().remove(e.getKey());
            } else {
                pb.environment().put(e.getKey(), e.getValue());
            }
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = readAll(p.getInputStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + out);
        }
        return new Result(p.exitValue(), out);
    }
}
