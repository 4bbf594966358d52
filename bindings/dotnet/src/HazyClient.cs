using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Hazy
{
    /// <summary>
    /// A client of Hazy's Hub: settings, connection pools and a token cache in libhazy. Thread-safe:
    /// share one between threads. <see cref="Dispose"/> closes it (waits in progress on other threads
    /// end with <see cref="ClosedException"/>) and frees it once the last call on it returns; a client
    /// that is never disposed is freed by its finalizer. Calls after Dispose throw ObjectDisposedException;
    /// calls after <see cref="Close"/> throw ClosedException.
    /// </summary>
    public sealed class HazyClient : IDisposable
    {
        private readonly ClientHandle handle;

        /// <summary>A client with <paramref name="options"/> (null: only the HAZY_* environment). No network traffic happens here.</summary>
        public HazyClient(HazyClientOptions options)
        {
            Native.EnsureLoaded();
            handle = Create(options ?? new HazyClientOptions { LoadEnvironment = true });
        }

        // NoInlining: compiled only once EnsureLoaded has run (see Native.EnsureLoaded).
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ClientHandle Create(HazyClientOptions options)
        {
            // Every string is checked and encoded before the first native call.
            var pairs = new List<KeyValuePair<byte[], byte[]>>();
            try
            {
                foreach (var kv in options.Pairs())
                {
                    pairs.Add(new KeyValuePair<byte[], byte[]>(Utf8.Required(kv.Key, "key"), Utf8.Encode(kv.Value, kv.Key)));
                }
                using (OptionsHandle opts = Native.hazy_options_new())
                {
                    HandleStats.Take(opts);
                    ErrorHandle err;
                    if (options.LoadEnvironment)
                    {
                        HazyException.Check(Native.hazy_options_load_env(opts, out err), err);
                    }
                    foreach (var kv in pairs)
                    {
                        HazyException.Check(Native.hazy_options_set(opts, kv.Key, kv.Value, out err), err);
                    }
                    ClientHandle client;
                    int status = Native.hazy_client_new(opts, out client, out err);
                    HandleStats.Take(client);
                    if (status != 0)
                    {
                        client.Dispose();
                    }
                    HazyException.Check(status, err);
                    return client;
                }
            }
            finally
            {
                foreach (var kv in pairs)
                {
                    Utf8.Wipe(kv.Value);
                }
            }
        }

        /// <summary>A client configured from the HAZY_* environment variables alone.</summary>
        public static HazyClient FromEnvironment()
        {
            return new HazyClient(new HazyClientOptions { LoadEnvironment = true });
        }

        private ClientHandle H
        {
            get
            {
                if (handle.IsClosed)
                {
                    throw new ObjectDisposedException("HazyClient");
                }
                return handle;
            }
        }

        // ------------------------------------------------------------------ authentication

        /// <summary>Authenticates with the credentials of the options or environment (bearer token, password grant or client credentials).</summary>
        public void Authenticate()
        {
            ErrorHandle err;
            HazyException.Check(Native.hazy_authenticate(H, out err), err);
        }

        /// <summary>Authenticates with the client_credentials grant, replacing earlier credentials.</summary>
        public void AuthenticateClientCredentials(string clientId, string clientSecret)
        {
            byte[] id = Utf8.Required(clientId, "clientId");
            byte[] secret = Utf8.Required(clientSecret, "clientSecret");
            try
            {
                ErrorHandle err;
                HazyException.Check(Native.hazy_authenticate_client_credentials(H, id, secret, out err), err);
            }
            finally
            {
                Utf8.Wipe(secret);
            }
        }

        /// <summary>Authenticates with the password grant; <paramref name="clientSecret"/> may be null for a public client.</summary>
        public void AuthenticatePassword(string clientId, string clientSecret, string username, string password)
        {
            byte[] id = Utf8.Required(clientId, "clientId");
            byte[] secret = Utf8.Encode(clientSecret, "clientSecret");
            byte[] user = Utf8.Required(username, "username");
            byte[] pw = Utf8.Required(password, "password");
            try
            {
                ErrorHandle err;
                HazyException.Check(Native.hazy_authenticate_password(H, id, secret, user, pw, out err), err);
            }
            finally
            {
                Utf8.Wipe(secret);
                Utf8.Wipe(pw);
            }
        }

        /// <summary>Uses a bearer token obtained elsewhere (no network traffic; it cannot be refreshed).</summary>
        public void AuthenticateBearer(string accessToken)
        {
            byte[] token = Utf8.Required(accessToken, "accessToken");
            try
            {
                ErrorHandle err;
                HazyException.Check(Native.hazy_authenticate_bearer(H, token, out err), err);
            }
            finally
            {
                Utf8.Wipe(token);
            }
        }

        /// <summary>A currently valid access token (renewed first if due). A secret: do not log it.</summary>
        public string GetAccessToken()
        {
            NativeStringHandle token;
            ErrorHandle err;
            int status = Native.hazy_access_token(H, out token, out err);
            using (token)
            {
                HandleStats.Take(token);
                HazyException.Check(status, err);
                return token.Read();
            }
        }

        /// <summary>
        /// Ends the Keycloak session behind the client's tokens: the refresh token is revoked and its
        /// session logged out (with the token_cache option, the cache file's entry for the client's
        /// credentials too). The client forgets its tokens, so a later call authenticates anew; an
        /// access token handed out already stays valid until it expires. Call it when a program that
        /// used the password grant is done. Without a refresh token (client credentials) there is
        /// nothing to revoke and it returns at once.
        /// </summary>
        /// <exception cref="InvalidArgumentException">No credentials, a bearer token, or a token URL that does not end in /token.</exception>
        /// <exception cref="AuthenticationFailedException">Keycloak refused the client.</exception>
        /// <exception cref="HazyTimeoutException">The token cache's lock stayed held.</exception>
        /// <exception cref="ClosedException">The client was closed.</exception>
        public void Logout()
        {
            ErrorHandle err;
            HazyException.Check(Native.hazy_logout(H, out err), err);
        }

        /// <summary>How many requests the client has sent to the token endpoint since it was created.</summary>
        public long TokenRequestCount
        {
            get { return (long)Native.hazy_token_request_count(H); }
        }

        // ------------------------------------------------------------------ jobs

        /// <summary>
        /// Submits a training job. <paramref name="configJson"/> is checked locally first; the
        /// submission carries an Idempotency-Key (<paramref name="idempotencyKey"/>, or a new one)
        /// and is retried, so it creates exactly one job.
        /// </summary>
        public Job Train(string projectId, string configJson, string idempotencyKey = null)
        {
            byte[] project = Utf8.Required(projectId, "projectId");
            byte[] config = Utf8.Required(configJson, "configJson");
            byte[] key = Utf8.Encode(idempotencyKey, "idempotencyKey");
            JobHandle job;
            ErrorHandle err;
            int status = Native.hazy_train_with_key(H, project, config, key, out job, out err);
            return Finish(status, job, err);
        }

        /// <summary>Submits a generation job from model <paramref name="modelId"/>: <paramref name="numRows"/> rows (0: not given) and/or a generation config.</summary>
        public Job Generate(string projectId, string modelId, long numRows, string configJson = null, string idempotencyKey = null)
        {
            if (numRows < 0)
            {
                throw new ArgumentOutOfRangeException("numRows", numRows, "numRows must not be negative");
            }
            byte[] project = Utf8.Required(projectId, "projectId");
            byte[] model = Utf8.Required(modelId, "modelId");
            byte[] config = Utf8.Encode(configJson, "configJson");
            byte[] key = Utf8.Encode(idempotencyKey, "idempotencyKey");
            JobHandle job;
            ErrorHandle err;
            int status = Native.hazy_generate_with_key(H, project, model, (ulong)numRows, config, key, out job, out err);
            return Finish(status, job, err);
        }

        /// <summary>The current state of job <paramref name="jobId"/>.</summary>
        public Job GetJob(string jobId)
        {
            byte[] id = Utf8.Required(jobId, "jobId");
            JobHandle job;
            ErrorHandle err;
            int status = Native.hazy_job_get(H, id, out job, out err);
            return Finish(status, job, err);
        }

        /// <summary>Cancels job <paramref name="jobId"/> on the Hub (idempotent) and returns its resulting state.</summary>
        public Job CancelJob(string jobId)
        {
            byte[] id = Utf8.Required(jobId, "jobId");
            JobHandle job;
            ErrorHandle err;
            int status = Native.hazy_job_cancel(H, id, out job, out err);
            return Finish(status, job, err);
        }

        private static Job Finish(int status, JobHandle job, ErrorHandle err)
        {
            using (job)
            {
                HandleStats.Take(job);
                HazyException.Check(status, err);
                return Job.Take(job);
            }
        }

        /// <summary>
        /// Waits until job <paramref name="jobId"/> finishes, blocking the calling thread, and returns
        /// the succeeded job.
        /// <para><paramref name="timeout"/>: give up after this long (HazyTimeoutException); null waits without limit.</para>
        /// <para><paramref name="progress"/>: told after every poll, on the waiting thread. If it throws,
        /// the wait stops and that exception is rethrown here: it never reaches the native library.</para>
        /// <para><paramref name="cancellationToken"/>: cancelling it ends the wait within milliseconds with
        /// OperationCanceledException (whose InnerException is the CancelledException). Leaving the wait
        /// never cancels the job on the Hub: use <see cref="CancelJob"/>.</para>
        /// Throws JobFailedException, CancelledException (the job was cancelled on the Hub),
        /// ClosedException (the client was closed meanwhile), or any exception of GetJob.
        /// </summary>
        public Job WaitForJob(string jobId, TimeSpan? timeout = null, IProgress<JobProgress> progress = null,
            CancellationToken cancellationToken = default(CancellationToken))
        {
            byte[] id = Utf8.Required(jobId, "jobId");
            if (timeout.HasValue && timeout.Value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException("timeout", timeout.Value, "timeout must be positive (or null for no limit)");
            }
            ulong timeoutMs = timeout.HasValue ? (ulong)Math.Ceiling(timeout.Value.TotalMilliseconds) : 0;
            ClientHandle client = H;

            var wait = new Wait(progress);
            // Kept in a local until after the call, and GC.KeepAlive'd there: the native code holds
            // only the function pointer, which the delegate's collection would invalidate.
            ProgressFn fn = progress == null ? null : new ProgressFn(wait.OnPoll);
            using (CancelTokenHandle token = Native.hazy_cancel_token_new())
            {
                HandleStats.Take(token);
                CancellationTokenRegistration registration = default(CancellationTokenRegistration);
                if (cancellationToken.CanBeCanceled)
                {
                    registration = cancellationToken.Register(CancelNative, token);
                }
                int status;
                JobHandle job;
                ErrorHandle err;
                try
                {
                    status = Native.hazy_job_wait(client, id, timeoutMs, fn, IntPtr.Zero, token, out job, out err);
                }
                finally
                {
                    // Dispose waits for a callback that is running, so the token outlives it.
                    registration.Dispose();
                    GC.KeepAlive(fn);
                }
                using (job)
                {
                    HandleStats.Take(job);
                    if (status != 0 && wait.Thrown != null)
                    {
                        using (err)
                        {
                            HandleStats.Take(err);
                        }
                        wait.Thrown.Throw();
                    }
                    if (status == (int)HazyStatus.Cancelled && cancellationToken.IsCancellationRequested)
                    {
                        HazyException cancelled;
                        using (err)
                        {
                            HandleStats.Take(err);
                            cancelled = HazyException.FromNative(status, err);
                        }
                        throw new OperationCanceledException("waiting for job " + jobId + " was cancelled", cancelled,
                            cancellationToken);
                    }
                    HazyException.Check(status, err);
                    return Job.Take(job);
                }
            }
        }

        private static void CancelNative(object state)
        {
            try
            {
                Native.hazy_cancel_token_cancel((CancelTokenHandle)state);
            }
            catch (ObjectDisposedException)
            {
                // The wait is over.
            }
        }

        /// <summary>One wait's progress callback: it never lets an exception reach the native caller.</summary>
        private sealed class Wait
        {
            private readonly IProgress<JobProgress> progress;
            internal ExceptionDispatchInfo Thrown;

            internal Wait(IProgress<JobProgress> progress)
            {
                this.progress = progress;
            }

            internal int OnPoll(IntPtr job, IntPtr userdata)
            {
                try
                {
                    progress.Report(new JobProgress(Job.Read(job)));
                    return 0;
                }
                catch (Exception e)
                {
                    Thrown = ExceptionDispatchInfo.Capture(e);
                    return 1; // stop: the wait returns CANCELLED and WaitForJob rethrows e
                }
            }
        }

        // ------------------------------------------------------------------ lists

        /// <summary>Every job of <paramref name="projectId"/>, oldest first.</summary>
        public IList<Job> ListJobs(string projectId)
        {
            byte[] project = Utf8.Required(projectId, "projectId");
            JobListHandle list;
            ErrorHandle err;
            int status = Native.hazy_jobs_list(H, project, out list, out err);
            using (list)
            {
                HandleStats.Take(list);
                HazyException.Check(status, err);
                ulong n = (ulong)Native.hazy_job_list_len(list);
                var jobs = new List<Job>((int)n);
                for (ulong i = 0; i < n; i++)
                {
                    jobs.Add(Job.Read(Native.hazy_job_list_get(list, new UIntPtr(i))));
                }
                return jobs;
            }
        }

        /// <summary>Every trained model of <paramref name="projectId"/>.</summary>
        public IList<Model> ListModels(string projectId)
        {
            byte[] project = Utf8.Required(projectId, "projectId");
            ModelListHandle list;
            ErrorHandle err;
            int status = Native.hazy_models_list(H, project, out list, out err);
            using (list)
            {
                HandleStats.Take(list);
                HazyException.Check(status, err);
                ulong n = (ulong)Native.hazy_model_list_len(list);
                var models = new List<Model>((int)n);
                for (ulong i = 0; i < n; i++)
                {
                    models.Add(Model.Read(Native.hazy_model_list_get(list, new UIntPtr(i))));
                }
                return models;
            }
        }

        // ------------------------------------------------------------------ lifetime

        /// <summary>
        /// hazy_client_close: waits in progress end with ClosedException, later calls throw it, and
        /// the connections and credentials are released at once. Idempotent; any thread.
        /// </summary>
        public void Close()
        {
            try
            {
                Native.hazy_client_close(handle);
            }
            catch (ObjectDisposedException)
            {
                // Disposed already: closed too.
            }
        }

        /// <summary>True once Dispose has run.</summary>
        public bool IsDisposed
        {
            get { return handle.IsClosed; }
        }

        /// <summary>Closes the client (see <see cref="Close"/>) and frees it when the last call on it returns.</summary>
        public void Dispose()
        {
            Close();
            handle.Dispose();
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            return handle.IsClosed ? "HazyClient(disposed)" : "HazyClient";
        }
    }
}
