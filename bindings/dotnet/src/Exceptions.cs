// One exception class per status, sharing HazyException. The detail is copied from the
// hazy_error_t the failing call wrote to its own out-parameter (never a thread-local "last
// error"), then the error object is freed. libhazy's messages never contain secrets or tokens,
// and nothing here adds one.
using System;
using System.Text;

namespace Hazy
{
    /// <summary>A failed libhazy call. Each status has a subclass; a status this binding does not know gives this class itself.</summary>
    public class HazyException : Exception
    {
        /// <summary>The status of the failed call (never Ok).</summary>
        public HazyStatus Status { get; private set; }

        /// <summary>libhazy's message naming the cause, without the status and extras that Message adds.</summary>
        public string Detail { get; private set; }

        /// <summary>The HTTP status of the response that caused the error; 0 when there was none.</summary>
        public int HttpStatus { get; private set; }

        /// <summary>The server's machine-readable error: Keycloak's OAuth <c>error</c> (e.g. invalid_client) or the Hub's problem code; null if none.</summary>
        public string OAuthError { get; private set; }

        /// <summary>Keycloak's <c>error_description</c>; null if none.</summary>
        public string OAuthDescription { get; private set; }

        /// <summary>The offending field (Validation) or the missing scope (Forbidden); null if none.</summary>
        public string Field { get; private set; }

        /// <summary>The X-Request-ID of the failed exchange, to quote to whoever runs the Hub or Keycloak; null if nothing was sent.</summary>
        public string RequestId { get; private set; }

        /// <summary>The Idempotency-Key a failed submission used: resubmit with it to get the job rather than a second one; null for other calls.</summary>
        public string IdempotencyKey { get; private set; }

        /// <summary>An exception of the base class; <see cref="Create"/> picks the subclass of a status.</summary>
        public HazyException(HazyStatus status, string detail, int httpStatus = 0, string oauthError = null,
            string oauthDescription = null, string field = null, string requestId = null, string idempotencyKey = null,
            Exception innerException = null)
            : base(Format(status, detail, httpStatus, oauthError, field, requestId), innerException)
        {
            Status = status;
            Detail = detail ?? "";
            HttpStatus = httpStatus;
            OAuthError = oauthError;
            OAuthDescription = oauthDescription;
            Field = field;
            RequestId = requestId;
            IdempotencyKey = idempotencyKey;
        }

        /// <summary>"STATUS: detail (HTTP n, error e, field f, request id r)", with only the extras present.</summary>
        private static string Format(HazyStatus status, string detail, int http, string oauthError, string field, string requestId)
        {
            var sb = new StringBuilder();
            sb.Append(HazyLibrary.CName(status)).Append(": ").Append(detail ?? "");
            var extra = new StringBuilder();
            if (http != 0)
            {
                extra.Append("HTTP ").Append(http);
            }
            Add(extra, "error ", oauthError);
            Add(extra, "field ", field);
            Add(extra, "request id ", requestId);
            if (extra.Length > 0)
            {
                sb.Append(" (").Append(extra).Append(')');
            }
            return sb.ToString();
        }

        private static void Add(StringBuilder sb, string label, string value)
        {
            if (value != null)
            {
                sb.Append(sb.Length > 0 ? ", " : "").Append(label).Append(value);
            }
        }

        /// <summary>The exception of <paramref name="status"/>'s class: the one mapping every failed call goes through.</summary>
        public static HazyException Create(HazyStatus status, string detail, int httpStatus = 0, string oauthError = null,
            string oauthDescription = null, string field = null, string requestId = null, string idempotencyKey = null)
        {
            switch (status)
            {
                case HazyStatus.InvalidArgument:
                    return new InvalidArgumentException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Auth:
                    return new AuthenticationFailedException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Forbidden:
                    return new ForbiddenException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.NotFound:
                    return new NotFoundException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Validation:
                    return new ValidationFailedException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Network:
                    return new NetworkException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Timeout:
                    return new HazyTimeoutException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Tls:
                    return new TlsException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Server:
                    return new ServerException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Protocol:
                    return new ProtocolException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Cancelled:
                    return new CancelledException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.JobFailed:
                    return new JobFailedException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Panic:
                    return new PanicException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.InvalidState:
                    return new InvalidStateException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.Closed:
                    return new ClosedException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                case HazyStatus.ProxyAuth:
                    return new ProxyAuthException(detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
                default:
                    return new HazyException(status, detail, httpStatus, oauthError, oauthDescription, field, requestId, idempotencyKey);
            }
        }

        /// <summary>Throws the exception of a failed call (status not 0) and frees its error object either way.</summary>
        internal static void Check(int status, ErrorHandle error)
        {
            using (error)
            {
                HandleStats.Take(error);
                if (status != 0)
                {
                    throw FromNative(status, error);
                }
            }
        }

        /// <summary>The exception of <paramref name="status"/> with the detail of <paramref name="error"/> (which may be NULL).</summary>
        internal static HazyException FromNative(int status, ErrorHandle error)
        {
            if (error == null || error.IsInvalid)
            {
                return Create((HazyStatus)status, "libhazy returned " + HazyLibrary.StatusName(status) + " without an error object");
            }
            return Create((HazyStatus)status,
                Utf8.Decode(Native.hazy_error_message(error)),
                Native.hazy_error_http_status(error),
                Utf8.Decode(Native.hazy_error_oauth_error(error)),
                Utf8.Decode(Native.hazy_error_oauth_description(error)),
                Utf8.Decode(Native.hazy_error_field(error)),
                Utf8.Decode(Native.hazy_error_request_id(error)),
                Utf8.Decode(Native.hazy_error_idempotency_key(error)));
        }
    }

    /// <summary>HazyStatus.InvalidArgument: a missing or malformed value, an unknown option, or no credentials. Nothing was sent.</summary>
    public class InvalidArgumentException : HazyException
    {
        internal InvalidArgumentException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.InvalidArgument, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Auth: Keycloak rejected the credentials, or the Hub rejected the token.</summary>
    public class AuthenticationFailedException : HazyException
    {
        internal AuthenticationFailedException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Auth, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Forbidden: a scope is missing (Field names it).</summary>
    public class ForbiddenException : HazyException
    {
        internal ForbiddenException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Forbidden, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.NotFound: no such project, job, model or realm.</summary>
    public class NotFoundException : HazyException
    {
        internal NotFoundException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.NotFound, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Validation: the config or request was refused (Field names the field).</summary>
    public class ValidationFailedException : HazyException
    {
        internal ValidationFailedException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Validation, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Network: the server could not be reached, or the connection broke.</summary>
    public class NetworkException : HazyException
    {
        internal NetworkException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Network, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Timeout: a connect, request or wait deadline passed.</summary>
    public class HazyTimeoutException : HazyException
    {
        internal HazyTimeoutException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Timeout, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Tls: the TLS handshake failed, or a client certificate was required.</summary>
    public class TlsException : HazyException
    {
        internal TlsException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Tls, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Server: HTTP 5xx or 429 after retries ran out.</summary>
    public class ServerException : HazyException
    {
        internal ServerException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Server, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Protocol: an answer libhazy does not understand.</summary>
    public class ProtocolException : HazyException
    {
        internal ProtocolException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Protocol, d, h, o, od, f, r, k) { }
    }

    /// <summary>
    /// HazyStatus.Cancelled: the job was cancelled on the Hub, or the wait was stopped. A wait
    /// stopped by its CancellationToken throws OperationCanceledException instead, with this as
    /// its InnerException.
    /// </summary>
    public class CancelledException : HazyException
    {
        internal CancelledException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Cancelled, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.JobFailed: the job ended in state failed; Detail carries the Hub's reason.</summary>
    public class JobFailedException : HazyException
    {
        internal JobFailedException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.JobFailed, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Panic: a bug inside libhazy, caught at its boundary; the process is intact.</summary>
    public class PanicException : HazyException
    {
        internal PanicException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Panic, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.InvalidState: the call cannot be made in this context.</summary>
    public class InvalidStateException : HazyException
    {
        internal InvalidStateException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.InvalidState, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.Closed: the client was closed (a wait in progress when it was, or a call after HazyClient.Close).</summary>
    public class ClosedException : HazyException
    {
        internal ClosedException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.Closed, d, h, o, od, f, r, k) { }
    }

    /// <summary>HazyStatus.ProxyAuth: a proxy answered 407.</summary>
    public class ProxyAuthException : HazyException
    {
        internal ProxyAuthException(string d, int h, string o, string od, string f, string r, string k)
            : base(HazyStatus.ProxyAuth, d, h, o, od, f, r, k) { }
    }
}
