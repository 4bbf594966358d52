// The status and state tables of include/hazy.h, value for value. StatusAndStateTest in the test
// suite compares every value with the loaded library's hazy_status_name/hazy_state_name and the
// count of each table: a value added, removed or renumbered in C fails it.
namespace Hazy
{
    /// <summary>The outcome of a libhazy call: <c>hazy_status</c>, value for value.</summary>
    public enum HazyStatus
    {
        /// <summary>Success (never carried by an exception).</summary>
        Ok = 0,
        /// <summary>A required value was missing or malformed, or no credentials were configured. Nothing was sent.</summary>
        InvalidArgument = 1,
        /// <summary>Keycloak rejected the credentials, or the Hub rejected the token.</summary>
        Auth = 2,
        /// <summary>The token lacks a scope the operation needs (the exception's Field names it).</summary>
        Forbidden = 3,
        /// <summary>The project, job, model or realm does not exist.</summary>
        NotFound = 4,
        /// <summary>The training config or request was refused (the exception's Field names the field).</summary>
        Validation = 5,
        /// <summary>The server could not be reached, or the connection broke.</summary>
        Network = 6,
        /// <summary>A connect, request or wait deadline passed.</summary>
        Timeout = 7,
        /// <summary>The TLS handshake failed, or a client certificate was required.</summary>
        Tls = 8,
        /// <summary>HTTP 5xx or 429 after retries ran out.</summary>
        Server = 9,
        /// <summary>The server answered something libhazy does not understand.</summary>
        Protocol = 10,
        /// <summary>The caller cancelled the wait, or the job was cancelled on the Hub.</summary>
        Cancelled = 11,
        /// <summary>The job ended in state failed; the message carries the Hub's reason.</summary>
        JobFailed = 12,
        /// <summary>A bug inside libhazy was caught at its boundary.</summary>
        Panic = 13,
        /// <summary>The call cannot be made in this context (a libhazy runtime thread, a child after fork()).</summary>
        InvalidState = 14,
        /// <summary>The client was closed.</summary>
        Closed = 15,
        /// <summary>A proxy answered HTTP 407 Proxy Authentication Required.</summary>
        ProxyAuth = 16,
    }

    /// <summary>The state of a job on the Hub: <c>hazy_state</c>, value for value.</summary>
    public enum JobState
    {
        /// <summary>A state this version of libhazy does not know (Job.RawState has the Hub's word).</summary>
        Unknown = 0,
        /// <summary>Accepted, not started.</summary>
        Queued = 1,
        /// <summary>Running; progress grows from 0 to 1.</summary>
        Running = 2,
        /// <summary>Finished; a train job has a model id.</summary>
        Succeeded = 3,
        /// <summary>Finished with an error; Job.FailureReason says why.</summary>
        Failed = 4,
        /// <summary>Cancelled before it finished.</summary>
        Cancelled = 5,
    }
}
