package com.hazy;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client of Hazy's Hub: settings, a connection pool and a token cache, in the native libhazy.
 *
 * <p>Create one with {@link #builder()} or {@link #fromEnvironment()}, {@link #authenticate}
 * it, then {@link #train} models and follow the {@link Job}s. Close it when done
 * ({@code try}-with-resources); a client that becomes unreachable without being closed is closed
 * and freed by a cleaner, but do not rely on that.
 *
 * <p><b>Threads.</b> A client is safe to share between threads, platform or virtual: share one
 * per application. Calls block the calling thread (a virtual thread stays pinned to its carrier
 * while it is inside libhazy). {@link #close()} may be called from any thread at any time, a
 * progress listener included; it closes the client in libhazy ({@code hazy_client_close}):
 * waits in progress end with {@link ClosedException} within milliseconds, calls already sending
 * a request finish it, and every later call throws {@link ClosedException} (earlier versions
 * threw {@link IllegalStateException}). Closing releases the client's connections, tokens and
 * credentials at once (or, for calls still in progress, as the last of them returns); the small
 * native handle that remains is freed ({@code hazy_free}) by a cleaner once the client is
 * unreachable.
 *
 * <p><b>Strings</b> with an embedded NUL character are refused with
 * {@link InvalidArgumentException}: C would cut them short.
 *
 * <p><b>Errors.</b> Failed calls throw a {@link HazyException} subclass; its detail comes from
 * the failing call's own error out-parameter, never from thread-local state; its
 * {@link HazyException#requestId()} names the failed HTTP exchange.
 *
 * <p><b>Logging.</b> libhazy's events go to the {@code java.util.logging} logger
 * {@code com.hazy}, at the most verbose level it logs when the client is built, or to a
 * {@link LogListener} ({@link Builder#logListener}). <b>Tracing:</b> every request carries a W3C
 * {@code traceparent}; {@link #withTraceparent} makes calls join the caller's trace.
 */
public final class HazyClient implements AutoCloseable {
    private final HazyNative lib;
    private final Handle handle;
    /**
     * Written after every native call (on Java 8, which has no
     * {@code Reference.reachabilityFence}): the write keeps this client reachable, so its
     * cleaner cannot free the handle while a call made with it may still be starting.
     */
    @SuppressWarnings("unused")
    private volatile boolean reached;
    /** For a {@link #withTraceparent} view: the client it was made from, kept reachable by it. */
    private final HazyClient parent;

    private HazyClient(HazyNative lib, Pointer client, LogSink sink, HazyClient parent) {
        this.lib = lib;
        this.parent = parent;
        this.handle = new Handle(lib, client, sink, parent != null);
        Cleaners.get().register(this, handle);
    }

    /** {@code Reference.reachabilityFence(Object)} on Java 9+, null on Java 8. */
    private static final MethodHandle REACHABILITY_FENCE = reachabilityFence();

    private static MethodHandle reachabilityFence() {
        try {
            return MethodHandles.publicLookup().findStatic(java.lang.ref.Reference.class, "reachabilityFence",
                    MethodType.methodType(void.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The native handle for one call, which {@link #keepAlive()} must follow. */
    private Pointer enter() {
        return handle.pointer();
    }

    /**
     * Keeps this client reachable until here: the native handle is freed only by the cleaner,
     * once the client is unreachable, and a call may not start with a freed handle.
     */
    private void keepAlive() {
        if (REACHABILITY_FENCE != null) {
            try {
                REACHABILITY_FENCE.invokeExact((Object) this);
                return;
            } catch (Throwable t) {
                // fall through to the Java 8 fence
            }
        }
        reached = true;
    }

    /** A builder for explicit settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A client configured from the {@code HAZY_*} environment variables (HAZY_HUB_HOST,
     * HAZY_CLIENT_ID, HAZY_CLIENT_SECRET, HAZY_REALM, HAZY_TOKEN_URL, HAZY_CA_BUNDLE, ...).
     * Same as {@code builder().fromEnvironment().build()}.
     */
    public static HazyClient fromEnvironment() {
        return builder().fromEnvironment().build();
    }

    // ---------------------------------------------------------------------------------------
    // Authentication

    /**
     * Authenticates with the credentials configured on the client (by
     * {@link Builder#credentials}, options or environment): a bearer token if set, else the
     * password grant if a username and password are set, else client credentials.
     *
     * @throws InvalidArgumentException no credentials are configured
     * @throws AuthenticationException Keycloak rejected them ({@link HazyException#oauthError()})
     */
    public void authenticate() {
        Pointer c = enter();
        try {
            PointerByReference err = new PointerByReference();
            check(lib, lib.hazy_authenticate(c, err), err);
        } finally {
            keepAlive();
        }
    }

    /**
     * Authenticates with {@code credentials}, replacing any earlier ones. Blocks until Keycloak
     * answers (a bearer token is only stored). The token is cached and renewed before it expires.
     *
     * @throws AuthenticationException rejected (wrong secret, unknown client, wrong password,
     *         disabled user, grant not allowed)
     * @throws ForbiddenException {@code invalid_scope}
     * @throws NotFoundException unknown realm or token URL
     * @throws NetworkException Keycloak unreachable
     */
    public void authenticate(Credentials credentials) {
        if (credentials == null) {
            throw new InvalidArgumentException("credentials must not be null");
        }
        Pointer c = enter();
        try {
            PointerByReference err = new PointerByReference();
            check(lib, credentials.authenticate(lib, c, err), err);
        } finally {
            keepAlive();
        }
    }

    /**
     * A currently valid access token (renewed first if due), for calling other Hazy APIs
     * yourself. Treat it as a secret.
     */
    public String accessToken() {
        Pointer c = enter();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            check(lib, lib.hazy_access_token(c, out, err), err);
            Pointer s = out.getValue();
            try {
                return s.getString(0, "UTF-8");
            } finally {
                lib.hazy_string_free(s);
            }
        } finally {
            keepAlive();
        }
    }

    /**
     * Ends the Keycloak session behind the client's tokens: the refresh token is revoked and its
     * session logged out (with the {@code token_cache} option, the cache file's entry for the
     * client's credentials too). The client forgets its tokens, so a later call authenticates
     * anew; an access token handed out already stays valid until it expires. Call it when a
     * program that used the password grant is done. Without a refresh token (client credentials)
     * there is nothing to revoke and it returns at once.
     *
     * @throws InvalidArgumentException no credentials are configured, the client holds a bearer
     *         token, or the token URL does not end in {@code /token}
     * @throws AuthenticationException Keycloak refused the client
     * @throws HazyTimeoutException the token cache's lock stayed held
     * @throws NetworkException Keycloak unreachable
     * @throws ClosedException the client was closed
     */
    public void logout() {
        Pointer c = enter();
        try {
            PointerByReference err = new PointerByReference();
            check(lib, lib.hazy_logout(c, err), err);
        } finally {
            keepAlive();
        }
    }

    /**
     * How many requests this client has sent to the token endpoint (retries included).
     *
     * @throws ClosedException the client was closed
     */
    public long tokenRequestCount() {
        if (isClosed()) {
            throw new ClosedException("the client was closed");
        }
        Pointer c = enter();
        try {
            return lib.hazy_token_request_count(c);
        } finally {
            keepAlive();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Jobs

    /**
     * Submits a training job. {@code configJson} is a Hazy TrainingConfig as JSON; it is checked
     * locally first (well-formed, {@code data_schema.tables}, a {@code data_input} list) and
     * nothing is sent if that fails. Retried safely (idempotency key): one job is created.
     *
     * @return the new job (usually queued)
     * @throws ValidationException the config was refused ({@link HazyException#field()})
     * @throws ForbiddenException the token lacks {@code hazy/TrainJob:create} ({@link HazyException#field()})
     */
    public Job train(String projectId, String configJson) {
        return submitTrain(projectId, configJson, null);
    }

    /**
     * Submits a training job under the caller's Idempotency-Key: 1 to 255 printable ASCII
     * characters without spaces, for example a batch scheduler's run id or a UUID kept across
     * restarts. Submitting again with the same key and config, from this or any other process,
     * returns the job the first submission created. A failed submission's
     * {@link HazyException#idempotencyKey()} is the key it used (also for {@link #train(String, String)},
     * whose key is generated).
     *
     * @throws ValidationException a different config under the same key (HTTP 409), or as {@link #train(String, String)}
     * @throws InvalidArgumentException a malformed key
     */
    public Job train(String projectId, String configJson, String idempotencyKey) {
        if (idempotencyKey == null) {
            throw new InvalidArgumentException("idempotencyKey must not be null (use train(projectId, configJson))");
        }
        return submitTrain(projectId, configJson, idempotencyKey);
    }

    private Job submitTrain(String projectId, String configJson, String key) {
        Args.text(projectId, "projectId");
        Args.text(configJson, "configJson");
        Args.text(key, "idempotencyKey");
        return job(true, (c, out, err) -> lib.hazy_train_with_key(c, projectId, configJson, key, out, err));
    }

    /** Submits a generation job of {@code numRows} rows from trained model {@code modelId}. */
    public Job generate(String projectId, String modelId, long numRows) {
        return generate(projectId, modelId, numRows, null);
    }

    /**
     * Submits a generation job from trained model {@code modelId}.
     *
     * @param numRows rows to generate; 0 = not given
     * @param configJson a generation config as a JSON object; null = not given (at least one of
     *        {@code numRows} and {@code configJson} is needed)
     * @throws NotFoundException unknown model
     */
    public Job generate(String projectId, String modelId, long numRows, String configJson) {
        return submitGenerate(projectId, modelId, numRows, configJson, null);
    }

    /**
     * Submits a generation job under the caller's Idempotency-Key; see
     * {@link #train(String, String, String)}.
     */
    public Job generate(String projectId, String modelId, long numRows, String configJson, String idempotencyKey) {
        if (idempotencyKey == null) {
            throw new InvalidArgumentException("idempotencyKey must not be null (use generate without a key)");
        }
        return submitGenerate(projectId, modelId, numRows, configJson, idempotencyKey);
    }

    private Job submitGenerate(String projectId, String modelId, long numRows, String configJson, String key) {
        if (numRows < 0) {
            throw new InvalidArgumentException("numRows must not be negative: " + numRows);
        }
        Args.text(projectId, "projectId");
        Args.text(modelId, "modelId");
        Args.text(configJson, "configJson");
        Args.text(key, "idempotencyKey");
        return job(true,
                (c, out, err) -> lib.hazy_generate_with_key(c, projectId, modelId, numRows, configJson, key, out, err));
    }

    /**
     * Fetches the current state of job {@code jobId}.
     *
     * @throws NotFoundException unknown job
     */
    public Job getJob(String jobId) {
        Args.text(jobId, "jobId");
        return job(false, (c, out, err) -> lib.hazy_job_get(c, jobId, out, err));
    }

    /** Cancels job {@code jobId} (idempotent) and returns its resulting state. */
    public Job cancelJob(String jobId) {
        Args.text(jobId, "jobId");
        return job(false, (c, out, err) -> lib.hazy_job_cancel(c, jobId, out, err));
    }

    /** One native call that writes a job snapshot to {@code out}. */
    private interface JobCall {
        int call(Pointer client, PointerByReference out, PointerByReference err);
    }

    /**
     * Runs {@code call} while holding a reference to the native client and takes the snapshot
     * it wrote. A submission's error carries the Idempotency-Key it used.
     */
    private Job job(boolean submission, JobCall call) {
        Pointer c = enter();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            int status = call.call(c, out, err);
            if (submission) {
                checkSubmission(lib, status, err);
            } else {
                check(lib, status, err);
            }
            return takeJob(out.getValue());
        } finally {
            keepAlive();
        }
    }

    /** Waits for job {@code jobId}: see {@link Job#await(Duration, ProgressListener, CancellationToken)}. */
    public Job awaitJob(String jobId, Duration timeout, ProgressListener listener, CancellationToken cancellation) {
        long timeoutMs = 0;
        if (timeout != null) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new InvalidArgumentException("timeout must be positive (or null for no limit): " + timeout);
            }
            timeoutMs = ceilMillis(timeout);
        }
        Args.text(jobId, "jobId");
        if (Thread.currentThread().isInterrupted()) {
            throw new CancelledException("interrupted before waiting for job " + jobId);
        }
        Pointer c = enter();
        Pointer token = lib.hazy_cancel_token_new();
        Wait wait = new Wait(this, listener);
        long waitId = NEXT_WAIT.getAndIncrement();
        WAITS.put(waitId, wait);
        try {
            if (cancellation != null) {
                cancellation.attach(lib, token);
            }
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            int status = lib.hazy_job_wait(c, jobId, timeoutMs, PROGRESS, new Pointer(waitId), token, out, err);
            if (status == 0) {
                return takeJob(out.getValue());
            }
            // The listener's exception or an interrupt explain a stopped wait better than the
            // library's CANCELLED; any other status (CLOSED after close()) is reported as it is.
            if (wait.thrown != null) {
                discardError(lib, err);
                throw Wait.<RuntimeException>sneaky(wait.thrown);
            }
            if (status == Status.CANCELLED.code() && wait.interrupted) {
                discardError(lib, err);
                throw new CancelledException("interrupted while waiting for job " + jobId);
            }
            check(lib, status, err);
            throw new IllegalStateException("unreachable: status " + status + " without an exception");
        } finally {
            if (cancellation != null) {
                cancellation.detach(token);
            }
            lib.hazy_cancel_token_free(token);
            WAITS.remove(waitId);
            keepAlive();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Lists

    /** Every job of {@code projectId}, oldest first. */
    public List<Job> listJobs(String projectId) {
        Args.text(projectId, "projectId");
        Pointer c = enter();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            check(lib, lib.hazy_jobs_list(c, projectId, out, err), err);
            Pointer list = out.getValue();
            try {
                long n = lib.hazy_job_list_len(list).longValue();
                List<Job> jobs = new ArrayList<Job>((int) n);
                for (long i = 0; i < n; i++) {
                    jobs.add(Job.fromNative(lib, this, lib.hazy_job_list_get(list, new HazyNative.SizeT(i))));
                }
                return Collections.unmodifiableList(jobs);
            } finally {
                lib.hazy_job_list_free(list);
            }
        } finally {
            keepAlive();
        }
    }

    /** Every trained model of {@code projectId}. */
    public List<Model> listModels(String projectId) {
        Args.text(projectId, "projectId");
        Pointer c = enter();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            check(lib, lib.hazy_models_list(c, projectId, out, err), err);
            Pointer list = out.getValue();
            try {
                long n = lib.hazy_model_list_len(list).longValue();
                List<Model> models = new ArrayList<Model>((int) n);
                for (long i = 0; i < n; i++) {
                    models.add(Model.fromNative(lib, lib.hazy_model_list_get(list, new HazyNative.SizeT(i))));
                }
                return Collections.unmodifiableList(models);
            } finally {
                lib.hazy_model_list_free(list);
            }
        } finally {
            keepAlive();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Tracing

    /**
     * A view of this client whose calls join the caller's trace: every request made through it
     * (and through the {@link Job}s it returns) carries {@code traceparent}'s trace id, with a new
     * span id per attempt, and its log events have that {@link LogEvent#traceId()}. Use one per
     * incoming request of your own service, and close it when done:
     *
     * <pre>{@code
     * try (HazyClient c = client.withTraceparent(request.getHeader("traceparent"))) {
     *     c.train(project, config);
     * }
     * }</pre>
     *
     * The view shares this client's connections, token, settings and log destination. Closing
     * it releases only the view ({@code hazy_free} of the view): this client stays open, and
     * later calls through the view or its jobs throw {@link ClosedException}. Closing this client
     * closes its views too. A view keeps this client reachable.
     *
     * @param traceparent a W3C trace context, {@code 00-<32 hex trace id>-<16 hex parent id>-<2
     *        hex flags>}; null or "": a new trace per call
     * @throws InvalidArgumentException a malformed traceparent
     * @throws ClosedException the client was closed
     */
    public HazyClient withTraceparent(String traceparent) {
        Args.text(traceparent, "traceparent");
        Pointer c = enter();
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference err = new PointerByReference();
            check(lib, lib.hazy_client_with_traceparent(c, traceparent, out, err), err);
            Pointer view = out.getValue();
            LogSink sink = handle.sink;
            if (sink != null) {
                sink.retain();
            }
            try {
                return new HazyClient(lib, view, sink, this);
            } catch (RuntimeException | Error e) {
                lib.hazy_free(view);
                if (sink != null) {
                    sink.release();
                }
                throw e;
            }
        } finally {
            keepAlive();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Lifecycle

    /**
     * Closes the client ({@code hazy_client_close}). Idempotent; callable from any thread, also
     * from a progress listener; it does not wait for the calls in progress. Waits in progress
     * end with {@link ClosedException} within milliseconds, calls already sending a request
     * finish it, and every later call throws {@link ClosedException}. libhazy releases the
     * client's connections, tokens and credentials (wiped) at once, or as the last call in
     * progress returns; the native handle itself is freed ({@code hazy_free}) by the cleaner.
     * For a {@link #withTraceparent} view it closes only the view.
     */
    @Override
    public void close() {
        handle.close();
        keepAlive();
    }

    /**
     * Whether {@link #close()} was called (or the cleaner ran); for a {@link #withTraceparent}
     * view, also whether the client it was made from was closed.
     */
    public boolean isClosed() {
        return handle.isClosed() || (parent != null && parent.isClosed());
    }

    @Override
    public String toString() {
        return "HazyClient[" + (isClosed() ? "closed" : "open") + (parent != null ? ", traceparent view" : "") + "]";
    }

    /** Whether the native handle has been freed, which only the cleaner does (for tests). */
    boolean nativeFreed() {
        return handle.isFreed();
    }

    // ---------------------------------------------------------------------------------------
    // Internals

    private Job takeJob(Pointer job) {
        try {
            return Job.fromNative(lib, this, job);
        } finally {
            lib.hazy_job_free(job);
        }
    }

    static long ceilMillis(Duration d) {
        long ms = d.toMillis();
        return d.minusMillis(ms).isZero() ? ms : ms + 1;
    }

    /** Throws the exception for a failed call, built from (and freeing) its error object. */
    static void check(HazyNative lib, int status, PointerByReference errorOut) {
        if (status == 0) {
            return;
        }
        Status s = Status.fromCode(status);
        Pointer e = errorOut.getValue();
        if (e == null) {
            throw HazyException.of(s, lib.hazy_status_name(status) + " (the library gave no detail)");
        }
        HazyException ex;
        try {
            String message = lib.hazy_error_message(e);
            ex = HazyException.of(s, message, lib.hazy_error_http_status(e) & 0xFFFF,
                    lib.hazy_error_oauth_error(e), lib.hazy_error_oauth_description(e), lib.hazy_error_field(e), null)
                    .withRequestId(lib.hazy_error_request_id(e));
        } finally {
            lib.hazy_error_free(e);
        }
        throw ex;
    }

    /** {@link #check} for hazy_train/hazy_generate: the exception carries the Idempotency-Key. */
    static void checkSubmission(HazyNative lib, int status, PointerByReference errorOut) {
        if (status == 0) {
            return;
        }
        Pointer e = errorOut.getValue();
        String key = e == null ? null : lib.hazy_error_idempotency_key(e);
        try {
            check(lib, status, errorOut);
        } catch (HazyException ex) {
            throw ex.withIdempotencyKey(key);
        }
    }

    private static void discardError(HazyNative lib, PointerByReference errorOut) {
        Pointer e = errorOut.getValue();
        if (e != null) {
            errorOut.setValue(null);
            lib.hazy_error_free(e);
        }
    }

    /**
     * The native client: the cleanup action of the cleaner, so it must not refer to the
     * HazyClient. libhazy counts the references of calls in progress itself, so this keeps no
     * count: {@link #close()} closes the client in libhazy, which releases its resources, and
     * the cleaner frees the handle ({@code hazy_free}) once the HazyClient is unreachable, when
     * no call can be starting with it.
     *
     * <p>It holds a reference to the client's {@link LogSink}, given up after hazy_free, so the
     * sink stays registered as long as the native handle can log. A view's handle
     * ({@link HazyClient#withTraceparent}) is closed here only: hazy_client_close would close the
     * client it shares.
     */
    static final class Handle implements Runnable {
        /** Native clients freed so far (for tests of the cleaner). */
        static final AtomicLong FREED = new AtomicLong();

        private final HazyNative lib;
        private final Pointer client;
        final LogSink sink;
        private final boolean view;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicBoolean freed = new AtomicBoolean();

        Handle(HazyNative lib, Pointer client, LogSink sink, boolean view) {
            this.lib = lib;
            this.client = client;
            this.sink = sink;
            this.view = view;
        }

        /** The handle for one call, refused once closed: the status libhazy gives it then. */
        Pointer pointer() {
            if (closed.get()) {
                throw new ClosedException("the client was closed");
            }
            return client;
        }

        /** close(): the first call closes the client in libhazy (not for a view). */
        void close() {
            if (closed.compareAndSet(false, true) && !view) {
                lib.hazy_client_close(client);
            }
        }

        boolean isClosed() {
            return closed.get();
        }

        boolean isFreed() {
            return freed.get();
        }

        /** The cleaner's action: hazy_free, which also closes a client never closed. */
        @Override
        public void run() {
            if (!freed.compareAndSet(false, true)) {
                return;
            }
            closed.set(true);
            lib.hazy_free(client);
            FREED.incrementAndGet();
            if (sink != null) {
                sink.release();
            }
        }
    }

    /** The state of one hazy_job_wait, found by the progress callback through its userdata id. */
    static final class Wait {
        final HazyClient client;
        final ProgressListener listener;
        Throwable thrown;
        boolean interrupted;

        Wait(HazyClient client, ProgressListener listener) {
            this.client = client;
            this.listener = listener;
        }

        @SuppressWarnings("unchecked")
        static <T extends Throwable> T sneaky(Throwable t) throws T {
            throw (T) t;
        }
    }

    private static final Map<Long, Wait> WAITS = new ConcurrentHashMap<Long, Wait>();
    private static final AtomicLong NEXT_WAIT = new AtomicLong(1);

    /**
     * The one progress callback, kept strongly reachable for the life of the class (JNA frees a
     * callback's native trampoline when the Java object is collected). It runs on the waiting
     * thread; it never lets an exception reach C: it records it and asks the wait to stop.
     */
    private static final HazyNative.ProgressFn PROGRESS = new HazyNative.ProgressFn() {
        @Override
        public int invoke(Pointer job, Pointer userdata) {
            Wait wait = WAITS.get(Pointer.nativeValue(userdata));
            if (wait == null) {
                return 1;
            }
            try {
                if (Thread.currentThread().isInterrupted()) {
                    wait.interrupted = true;
                    return 1;
                }
                if (wait.listener != null) {
                    wait.listener.onProgress(Job.fromNative(wait.client.lib, wait.client, job));
                }
                return 0;
            } catch (Throwable t) {
                wait.thrown = t;
                return 1;
            }
        }
    };

    // ---------------------------------------------------------------------------------------

    /**
     * Settings for a {@link HazyClient}. Every setting is an option of libhazy (see
     * {@link #option}); the typed methods are shortcuts. {@link #toString()} masks secrets.
     */
    public static final class Builder {
        private static final Set<String> SECRET_KEYS =
                new HashSet<String>(java.util.Arrays.asList("client_secret", "password", "access_token",
                        // A command line may carry a secret (a vault token, a role id): not shown.
                        "credential_command"));

        private final Map<String, String> options = new LinkedHashMap<String, String>();
        private boolean environment;
        private LogListener logListener;
        private LogLevel logListenerLevel;

        private Builder() {
        }

        /**
         * Reads the {@code HAZY_*} environment variables first; settings made on this builder
         * win over them, whatever the order of the calls.
         */
        public Builder fromEnvironment() {
            environment = true;
            return this;
        }

        /** The Hub's base URL, e.g. {@code https://hub.example.com}. */
        public Builder host(String host) {
            return option("host", host);
        }

        /** The Keycloak realm (default {@code hazy}). */
        public Builder realm(String realm) {
            return option("realm", realm);
        }

        /** Keycloak's base URL (default {@code {host}/auth}). */
        public Builder authUrl(String authUrl) {
            return option("auth_url", authUrl);
        }

        /** The full token endpoint URL (overrides host, authUrl and realm). */
        public Builder tokenUrl(String tokenUrl) {
            return option("token_url", tokenUrl);
        }

        /** The TCP+TLS connect timeout (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            return option("connect_timeout_ms", millis(timeout));
        }

        /** The per-request timeout (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            return option("request_timeout_ms", millis(timeout));
        }

        /**
         * Shares tokens with other processes through this file (the {@code token_cache} option,
         * {@code HAZY_TOKEN_CACHE}): a client finds a valid token there instead of asking
         * Keycloak, and processes started together make one token request. The file is created
         * with mode 0600; its directory must exist and only the user may write to it. A file
         * that others could read is refused with a warning and the client works without it. A
         * missing directory fails {@link #build()} with {@link InvalidArgumentException}, as
         * does any file on Windows, which has no cache.
         */
        public Builder tokenCache(Path file) {
            return option("token_cache", file == null ? null : file.toString());
        }

        /** A PEM file of extra CA certificates, added to the system roots. */
        public Builder caBundle(Path pemFile) {
            return option("ca_bundle", pemFile == null ? null : pemFile.toString());
        }

        /** A PEM file of extra CA certificates, added to the system roots. */
        public Builder caBundle(String pemFile) {
            return option("ca_bundle", pemFile);
        }

        /**
         * Authenticates the client to Keycloak with a JWT signed by its private key instead of
         * a client secret (private_key_jwt, RFC 7523; Keycloak's "Signed JWT"), for
         * {@link HazyClient#authenticate()} and the refresh grant. {@code keyFile} is a PEM file:
         * an RSA key (PKCS#1 or PKCS#8, signed with RS256) or an EC P-256/P-384 key (PKCS#8,
         * ES256/ES384). A missing or unusable file fails {@link #build()} with
         * {@link InvalidArgumentException}, naming the path but never the key. Add
         * {@code option("username", ...)} and {@code option("password", ...)} for the password
         * grant.
         */
        public Builder privateKeyJwt(String clientId, Path keyFile) {
            return privateKeyJwt(clientId, keyFile == null ? null : keyFile.toString());
        }

        /** As {@link #privateKeyJwt(String, Path)}. */
        public Builder privateKeyJwt(String clientId, String keyFile) {
            option("client_id", clientId);
            option("client_auth", "private_key_jwt");
            return option("client_private_key", keyFile);
        }

        /** The {@code kid} header of private_key_jwt assertions (for keys Keycloak reads from a JWKS). */
        public Builder clientKeyId(String kid) {
            return option("client_key_id", kid);
        }

        /**
         * The private_key_jwt signing algorithm: RS256 (the default for RSA keys), RS384, RS512,
         * PS256, PS384, PS512, or ES256/ES384 (the EC key's curve decides).
         */
        public Builder clientAssertionAlgorithm(String algorithm) {
            return option("client_assertion_alg", algorithm);
        }

        /**
         * A TLS client certificate (mutual TLS), presented to every server that asks for one:
         * Keycloak, the Hub, or a TLS proxy in front of them. PEM files: the certificate (with
         * any intermediates) and its private key. A server that requires a certificate and gets
         * none fails calls with {@link TlsException}.
         */
        public Builder clientCertificate(Path certFile, Path keyFile) {
            return clientCertificate(certFile == null ? null : certFile.toString(),
                    keyFile == null ? null : keyFile.toString());
        }

        /** As {@link #clientCertificate(Path, Path)}. */
        public Builder clientCertificate(String certFile, String keyFile) {
            option("client_cert", certFile);
            return option("client_key", keyFile);
        }

        /**
         * Reads the client secret from a file ({@code client_secret_file}) instead of taking it
         * as a value, for {@link HazyClient#authenticate()} with a client id
         * ({@code option("client_id", ...)}). The file is read again for every grant, so a
         * secret that Vault Agent, CyberArk or a Kubernetes Secret rotates is used without a
         * restart; trailing newlines are trimmed, and a file that group or others can read gets
         * a warning. A missing or empty file fails the grant with
         * {@link InvalidArgumentException} naming the path, never the content. Not with a client
         * secret set as a value.
         */
        public Builder clientSecretFile(Path file) {
            return option("client_secret_file", path(file));
        }

        /** As {@link #clientSecretFile(Path)}. */
        public Builder clientSecretFile(String file) {
            return option("client_secret_file", file);
        }

        /**
         * Reads the password of the password grant from a file ({@code password_file}), again
         * for every grant as {@link #clientSecretFile(Path)}. The user is
         * {@code option("username", ...)}. Not with a password set as a value.
         */
        public Builder passwordFile(Path file) {
            return option("password_file", path(file));
        }

        /** As {@link #passwordFile(Path)}. */
        public Builder passwordFile(String file) {
            return option("password_file", file);
        }

        /**
         * Reads a bearer token obtained elsewhere from a file ({@code access_token_file}), for
         * {@link HazyClient#authenticate()}. The file is read again when the Hub rejects the
         * token, so a token another process renews is picked up. Not with an access token set
         * as a value.
         */
        public Builder accessTokenFile(Path file) {
            return option("access_token_file", path(file));
        }

        /** As {@link #accessTokenFile(Path)}. */
        public Builder accessTokenFile(String file) {
            return option("access_token_file", file);
        }

        /**
         * Runs a program for every grant ({@code credential_command}), as AWS's
         * {@code credential_process}: it prints {@code {"client_secret": "..."}}, or
         * {@code {"access_token": "...", "expires_at": ...}} (RFC 3339 or unix seconds) as JSON.
         * {@code command} is split into words as a POSIX shell would, without running a shell
         * or expanding anything ({@link #credentialCommand(List)} takes the words themselves,
         * {@link #credentialCommandShell} runs a shell). The command's stderr is never shown. A
         * failed start, a non-zero exit or bad output fails the grant with
         * {@link AuthenticationException} or {@link InvalidArgumentException}, never with a
         * secret in the message; it is killed after 10 s ({@link #credentialCommandTimeout}).
         * Not with a client secret or access token (value or file). {@link #toString()} does
         * not show the command.
         */
        public Builder credentialCommand(String command) {
            option("credential_command", command);
            return option("credential_command_shell", "false");
        }

        /**
         * As {@link #credentialCommand(String)}, with the program and its arguments given as
         * words, as {@link ProcessBuilder} takes them: no quoting needed.
         */
        public Builder credentialCommand(List<String> command) {
            if (command == null || command.isEmpty()) {
                throw new InvalidArgumentException("credential command must name a program");
            }
            StringBuilder json = new StringBuilder("[");
            for (String word : command) {
                if (word == null) {
                    throw new InvalidArgumentException("credential command words must not be null");
                }
                json.append(json.length() > 1 ? "," : "").append(jsonString(word));
            }
            option("credential_command", json.append(']').toString());
            return option("credential_command_shell", "false");
        }

        /**
         * As {@link #credentialCommand(String)}, with {@code command} run by the system shell
         * ({@code /bin/sh -c}, {@code cmd /C} on Windows): pipes, variables and the like work.
         */
        public Builder credentialCommandShell(String command) {
            option("credential_command", command);
            return option("credential_command_shell", "true");
        }

        /**
         * How long the credential command may run before it is killed and the grant fails with
         * {@link HazyTimeoutException} (default 10 s).
         */
        public Builder credentialCommandTimeout(Duration timeout) {
            return option("credential_command_timeout_ms", millis(timeout));
        }

        /**
         * The file holding the passphrase of an encrypted private_key_jwt key
         * ({@link #privateKeyJwt}'s key file: an encrypted PKCS#8 PEM key, or a PKCS#12
         * bundle). It is read with the key, again for every grant, so both may rotate. A wrong
         * passphrase fails with {@link InvalidArgumentException} naming the path, never the
         * passphrase.
         */
        public Builder privateKeyPassphraseFile(Path file) {
            return option("client_private_key_passphrase_file", path(file));
        }

        /** As {@link #privateKeyPassphraseFile(Path)}. */
        public Builder privateKeyPassphraseFile(String file) {
            return option("client_private_key_passphrase_file", file);
        }

        /**
         * The file holding the passphrase of {@link #clientCertificate}'s key when it is an
         * encrypted PKCS#8 PEM key. It is read with the key, whenever a new connection reads the
         * certificate and key files again.
         */
        public Builder clientKeyPassphraseFile(Path file) {
            return option("client_key_passphrase_file", path(file));
        }

        /** As {@link #clientKeyPassphraseFile(Path)}. */
        public Builder clientKeyPassphraseFile(String file) {
            return option("client_key_passphrase_file", file);
        }

        /**
         * A TLS client certificate (mutual TLS) from a PKCS#12 bundle ({@code .p12} or
         * {@code .pfx}: the key, the certificate and its chain) instead of
         * {@link #clientCertificate}'s PEM files; {@code passphraseFile} holds the bundle's
         * passphrase (null for none). Both files are read again when a new connection is made,
         * so a rotated certificate is used without a restart. A missing file or a wrong
         * passphrase fails {@link #build()} with {@link InvalidArgumentException} naming the
         * path, never the passphrase.
         */
        public Builder clientCertificateP12(Path bundle, Path passphraseFile) {
            return clientCertificateP12(path(bundle), path(passphraseFile));
        }

        /** As {@link #clientCertificateP12(Path, Path)}. */
        public Builder clientCertificateP12(String bundle, String passphraseFile) {
            option("client_cert_p12", bundle);
            return option("client_cert_p12_passphrase_file", passphraseFile);
        }

        /**
         * This client's proxy: an {@code http://} or {@code https://} URL without credentials
         * ({@link #proxyAuth} gives them). It overrides {@code HTTPS_PROXY}, {@code HTTP_PROXY}
         * and {@code NO_PROXY} for this client only; other clients in the JVM keep their own. A
         * proxy that refuses the client's credentials (407) fails calls with
         * {@link ProxyAuthException}.
         */
        public Builder proxy(URI url) {
            return option("proxy", url == null ? null : url.toString());
        }

        /** As {@link #proxy(URI)}. */
        public Builder proxy(String url) {
            return option("proxy", url);
        }

        /**
         * The hosts, domains ({@code .example.com}) and IP ranges ({@code 10.0.0.0/8}) that
         * {@link #proxy}'s client reaches directly, with {@code NO_PROXY}'s rules. Each argument
         * may itself be a comma-separated list.
         */
        public Builder noProxy(String... hosts) {
            return option("no_proxy", hosts == null ? null : join(hosts));
        }

        /**
         * Basic authentication to {@link #proxy}'s proxy: {@code username}, and the password
         * read from {@code passwordFile} (trailing newlines trimmed) when the client is built. An
         * unreadable file fails {@link #build()} with {@link InvalidArgumentException} naming
         * the path.
         */
        public Builder proxyAuth(String username, Path passwordFile) {
            return proxyAuth(username, path(passwordFile));
        }

        /** As {@link #proxyAuth(String, Path)}. */
        public Builder proxyAuth(String username, String passwordFile) {
            option("proxy_username", username);
            return option("proxy_password_file", passwordFile);
        }

        /** How often {@link Job#await} polls the Hub (default 1 s, at least 10 ms). */
        public Builder pollInterval(Duration interval) {
            return option("poll_interval_ms", millis(interval));
        }

        /** The User-Agent header (default {@code libhazy/VERSION}). */
        public Builder userAgent(String userAgent) {
            return option("user_agent", userAgent);
        }

        /** Attempts per request, the first included (default 4). */
        public Builder retryMaxAttempts(int attempts) {
            return option("retry_max_attempts", Integer.toString(attempts));
        }

        /**
         * Sends libhazy's log events at {@code minLevel} and more severe to {@code listener}
         * instead of the {@code java.util.logging} logger {@code com.hazy} (for SLF4J, Log4j,
         * ...); {@link LogLevel#OFF} turns events off. libhazy is asked only for events at
         * {@code minLevel}, so a quiet level costs nothing. A null listener goes back to
         * {@code java.util.logging}. See {@link LogListener} for the thread rules.
         *
         * <pre>{@code
         * org.slf4j.Logger log = LoggerFactory.getLogger("com.hazy");
         * builder.logListener(log.isDebugEnabled() ? LogLevel.DEBUG : LogLevel.INFO,
         *         e -> log.info("{}: {}{}", e.event(), e.message(), e.fields()));
         * }</pre>
         */
        public Builder logListener(LogLevel minLevel, LogListener listener) {
            if (listener != null && minLevel == null) {
                throw new InvalidArgumentException("minLevel must not be null (LogLevel.OFF turns events off)");
            }
            this.logListener = listener;
            this.logListenerLevel = listener == null ? null : minLevel;
            return this;
        }

        /**
         * The W3C trace context every call joins by default ({@code traceparent} option,
         * {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}); a malformed one fails
         * {@link #build()} with {@link InvalidArgumentException}. Without it each call starts its
         * own trace. {@link HazyClient#withTraceparent} sets one per call.
         */
        public Builder traceparent(String traceparent) {
            return option("traceparent", traceparent);
        }

        /** Credentials for {@link HazyClient#authenticate()} (no-argument form). */
        public Builder credentials(Credentials credentials) {
            if (credentials == null) {
                throw new InvalidArgumentException("credentials must not be null");
            }
            options.putAll(credentials.options());
            return this;
        }

        /**
         * Sets any libhazy option by its key, e.g. {@code audience}, {@code scope},
         * {@code client_auth}, {@code token_refresh_margin_s}, {@code retry_base_delay_ms},
         * {@code insecure_skip_tls_verify}. Null or "" clears an optional setting. Unknown keys
         * and malformed values fail in {@link #build()} with {@link InvalidArgumentException}.
         */
        public Builder option(String key, String value) {
            if (key == null) {
                throw new InvalidArgumentException("option key must not be null");
            }
            Args.text(key, "option key");
            Args.text(value, "value of option " + key);
            options.put(key, value == null ? "" : value);
            return this;
        }

        private static String path(Path p) {
            return p == null ? null : p.toString();
        }

        private static String join(String[] words) {
            StringBuilder sb = new StringBuilder();
            for (String w : words) {
                if (w != null && !w.isEmpty()) {
                    sb.append(sb.length() > 0 ? "," : "").append(w);
                }
            }
            return sb.toString();
        }

        /** {@code s} as a JSON string literal. */
        private static String jsonString(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"').toString();
        }

        private static String millis(Duration d) {
            if (d == null) {
                return "";
            }
            if (d.isNegative()) {
                throw new InvalidArgumentException("duration must not be negative: " + d);
            }
            return Long.toString(ceilMillis(d));
        }

        /**
         * Creates the client. No network traffic happens here.
         *
         * @throws InvalidArgumentException unknown option, malformed value or environment
         *         variable, unreadable CA bundle, unusable private key or client certificate
         * @throws UnsatisfiedLinkError the native library cannot be found or loaded
         */
        public HazyClient build() {
            HazyNative lib = NativeLoader.lib();
            Pointer opts = lib.hazy_options_new();
            // The sink's reference passes to the client's handle, or is given up here.
            LogSink sink = LogSink.open(logListener, logListenerLevel);
            boolean handedOver = false;
            try {
                PointerByReference err = new PointerByReference();
                if (environment) {
                    check(lib, lib.hazy_options_load_env(opts, err), err);
                }
                for (Map.Entry<String, String> e : options.entrySet()) {
                    check(lib, lib.hazy_options_set(opts, e.getKey(), e.getValue(), err), err);
                }
                if (sink != null) {
                    check(lib, lib.hazy_options_set_log_callback(opts, LogSink.CALLBACK, sink.userdata(),
                            sink.level().code(), err), err);
                }
                PointerByReference out = new PointerByReference();
                check(lib, lib.hazy_client_new(opts, out, err), err);
                Pointer client = out.getValue();
                try {
                    HazyClient c = new HazyClient(lib, client, sink, null);
                    handedOver = true;
                    return c;
                } catch (RuntimeException | Error e) {
                    lib.hazy_free(client);
                    throw e;
                }
            } finally {
                lib.hazy_options_free(opts);
                if (sink != null && !handedOver) {
                    sink.release();
                }
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("HazyClient.Builder[");
            if (environment) {
                sb.append("environment, ");
            }
            boolean first = true;
            for (Map.Entry<String, String> e : options.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                String v = e.getValue();
                sb.append(e.getKey()).append('=')
                        .append(SECRET_KEYS.contains(e.getKey()) ? (v.isEmpty() ? "" : "****") : v);
            }
            if (logListener != null) {
                sb.append(first ? "" : ", ").append("logListener=").append(logListenerLevel);
            }
            return sb.append(']').toString();
        }
    }
}
