/*
 * hazy.hpp: header-only C++ wrapper over the libhazy C API (hazy.h).
 *
 * C++11 or later. Link with libhazy (pkg-config `hazy`, or CMake `Hazy::hazy_cpp`).
 *
 *   hazy::Client client = hazy::Client::from_env();          // HAZY_HUB_HOST, ...
 *   client.authenticate(hazy::ClientCredentials("api", secret));
 *   hazy::Job job = client.train("my-project", config_json);
 *   job.wait(std::chrono::minutes(30), [](const hazy::Job& j) {
 *       std::cout << to_string(j.state()) << ' ' << j.progress() << '\n';
 *       return true;                                         // keep waiting
 *   });
 *   std::cout << job.model_id() << '\n';
 *
 * Rules this wrapper keeps:
 *  - Every failure is thrown as hazy::Error (a std::runtime_error) carrying the status, the
 *    message, the HTTP status, the server's error code and the offending field or scope;
 *    Status::Closed as its subclass hazy::ClosedError, Status::ProxyAuth as
 *    hazy::ProxyAuthError. hazy::Status is bound to hazy.h's
 *    HAZY_STATUS_* at compile time, and detail::to_status names each of them.
 *  - Everything the C library hands out (clients, options, jobs, lists, errors, strings,
 *    cancel tokens) is owned by a smart pointer from the moment the C call returns, so
 *    nothing leaks on any path, exceptions included.
 *  - No C++ exception ever unwinds through the C library: an exception thrown by a progress
 *    callback is caught at the boundary, stops the wait, and is rethrown from Job::wait()
 *    after the C call has returned.
 *  - A Client may be shared between threads (as the C client). Job and Options objects are
 *    not synchronised: use one per thread (Jobs are copyable). CancelToken::cancel() may be
 *    called from any thread; give each thread its own copy of the token.
 *  - A log callback (Options::log_callback) is owned by a std::shared_ptr that every Client
 *    made from those options (and their Jobs and trace views) keeps until the C client is
 *    freed; an exception it throws is caught at the C boundary and dropped.
 */
#ifndef HAZY_HPP
#define HAZY_HPP

#include "hazy.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace hazy {

/// The outcome of a call; the numbers are those of the C enum hazy_status.
enum class Status : std::int32_t {
    Ok = HAZY_STATUS_OK,
    InvalidArgument = HAZY_STATUS_INVALID_ARGUMENT,
    Auth = HAZY_STATUS_AUTH,
    Forbidden = HAZY_STATUS_FORBIDDEN,
    NotFound = HAZY_STATUS_NOT_FOUND,
    Validation = HAZY_STATUS_VALIDATION,
    Network = HAZY_STATUS_NETWORK,
    Timeout = HAZY_STATUS_TIMEOUT,
    Tls = HAZY_STATUS_TLS,
    Server = HAZY_STATUS_SERVER,
    Protocol = HAZY_STATUS_PROTOCOL,
    Cancelled = HAZY_STATUS_CANCELLED,
    JobFailed = HAZY_STATUS_JOB_FAILED,
    Panic = HAZY_STATUS_PANIC,
    InvalidState = HAZY_STATUS_INVALID_STATE,
    Closed = HAZY_STATUS_CLOSED,  ///< the client was closed (Client::close); thrown as ClosedError
    ProxyAuth = HAZY_STATUS_PROXY_AUTH  ///< a proxy answered 407; thrown as ProxyAuthError
};

/// The state of a job on the Hub; the numbers are those of the C enum hazy_state.
enum class State : std::int32_t {
    Unknown = HAZY_STATE_UNKNOWN,
    Queued = HAZY_STATE_QUEUED,
    Running = HAZY_STATE_RUNNING,
    Succeeded = HAZY_STATE_SUCCEEDED,
    Failed = HAZY_STATE_FAILED,
    Cancelled = HAZY_STATE_CANCELLED
};

/// How much a log callback wants to hear; the numbers are those of the C enum hazy_log_level.
/// Each level includes the ones above it (Info also gets Warn and Error).
enum class LogLevel : std::int32_t {
    Off = HAZY_LOG_LEVEL_OFF,      ///< nothing (as a minimum level: no callback)
    Error = HAZY_LOG_LEVEL_ERROR,  ///< a call failed: its status, message and request id
    Warn = HAZY_LOG_LEVEL_WARN,    ///< retries, rejected tokens, unsafe settings
    Info = HAZY_LOG_LEVEL_INFO,    ///< tokens granted, job state changes, TLS and proxy choices
    Debug = HAZY_LOG_LEVEL_DEBUG,  ///< every HTTP exchange and token request
    Trace = HAZY_LOG_LEVEL_TRACE   ///< waits and decisions inside the token cache
};

/// The status's name, e.g. "AUTH". Static storage.
inline const char *to_string(Status status) noexcept {
    return hazy_status_name(static_cast<std::int32_t>(status));
}

/// The state's name, e.g. "running". Static storage.
inline const char *to_string(State state) noexcept {
    return hazy_state_name(static_cast<std::int32_t>(state));
}

/// The level's lowercase name, e.g. "debug". Static storage.
inline const char *to_string(LogLevel level) noexcept {
    return hazy_log_level_name(static_cast<std::int32_t>(level));
}

/// One log event, copied out of the library's record (so it may be kept, queued or moved to
/// another thread). Every string was scrubbed of secrets and tokens by the library. A field
/// that does not apply to the event is empty (strings), 0 (http_status, attempt) or -1
/// (delay_ms, elapsed_ms).
struct LogRecord {
    LogRecord()
        : level(LogLevel::Off), event(), message(), method(), url(), request_id(), job_id(),
          trace_id(), span_id(), http_status(0), attempt(0), delay_ms(-1), elapsed_ms(-1) {}
    LogLevel level;
    std::string event;       ///< a stable dotted name, e.g. "token.granted", "http.exchange"
    std::string message;     ///< for people; never empty
    std::string method;      ///< the HTTP method of an exchange, e.g. "POST"
    std::string url;         ///< the exchange's URL, without query string or user info
    std::string request_id;  ///< the X-Request-ID of the exchange (the server's echo if any)
    std::string job_id;      ///< the job the event is about
    std::string trace_id;    ///< the W3C trace id (32 hex digits) of the call
    std::string span_id;     ///< the span id (16 hex digits) of one HTTP attempt
    int http_status;         ///< the response's HTTP status; 0 when none
    std::uint32_t attempt;   ///< the attempt number within the call's retries, from 1; 0 if none
    std::int64_t delay_ms;   ///< the delay before the next attempt (retries); -1 if none
    std::int64_t elapsed_ms; ///< how long the exchange or wait took; -1 if not measured
};

/// Receives the log records of the clients made from the Options it was set on. It is called
/// on the thread making the event (inside a call, or inside the Client constructor), possibly
/// on several threads at once: make it thread-safe, and keep it short (the call waits for it).
/// It must not call a Client (that throws Status::InvalidState). An exception it throws is
/// caught before it reaches the C library and dropped: logging never fails a call.
typedef std::function<void(const LogRecord &)> LogCallback;

/// The version of the loaded libhazy, e.g. "0.1.0".
inline const char *version() noexcept { return hazy_version(); }

/// A failed call. what() is "<STATUS>: <message>", followed by " (request id <id>)" when
/// the failure came from an HTTP exchange; messages never contain secrets.
/// Copying never throws (the detail is shared), as an exception type's copy should.
/// Status::Closed is thrown as the subclass ClosedError, Status::ProxyAuth as ProxyAuthError.
class Error : public std::runtime_error {
  public:
    Error(Status status, const std::string &message, int http_status = 0,
          const std::string &oauth_error = std::string(),
          const std::string &oauth_description = std::string(),
          const std::string &field = std::string(),
          const std::string &idempotency_key = std::string(),
          const std::string &request_id = std::string())
        : std::runtime_error(std::string(to_string(status)) + ": " + message +
                             (request_id.empty() ? std::string()
                                                 : " (request id " + request_id + ")")),
          detail_(std::make_shared<Detail>(status, message, http_status, oauth_error,
                                           oauth_description, field, idempotency_key,
                                           request_id)) {}

    /// The status of the failed call (never Status::Ok).
    Status status() const noexcept { return detail_->status; }
    /// The library's message, without the status prefix of what().
    const std::string &message() const noexcept { return detail_->message; }
    /// The HTTP status of the response that caused the error; 0 when there was none.
    int http_status() const noexcept { return detail_->http_status; }
    /// The server's machine-readable code: Keycloak's OAuth `error` (e.g. "invalid_client")
    /// or the Hub's problem code (e.g. "insufficient_scope"); empty when none.
    const std::string &oauth_error() const noexcept { return detail_->oauth_error; }
    /// Keycloak's `error_description`; empty when none.
    const std::string &oauth_description() const noexcept { return detail_->oauth_description; }
    /// The offending field (Status::Validation) or the missing scope (Status::Forbidden);
    /// empty when none.
    const std::string &field() const noexcept { return detail_->field; }
    /// The Idempotency-Key a failed train() or generate() used, generated or given; empty for
    /// other calls. The job may exist on the Hub although the call failed: resubmit with this
    /// key (the train()/generate() overloads taking one) to get it rather than a second job.
    const std::string &idempotency_key() const noexcept { return detail_->idempotency_key; }
    /// The X-Request-ID of the HTTP exchange that failed (the server's echo if it sent one,
    /// else the one libhazy sent): quote it to whoever runs the Hub or Keycloak, it finds the
    /// request in their logs. Empty when the call failed before anything was sent.
    const std::string &request_id() const noexcept { return detail_->request_id; }

  private:
    struct Detail {
        Detail(Status s, const std::string &m, int h, const std::string &oe,
               const std::string &od, const std::string &f, const std::string &k,
               const std::string &r)
            : status(s), message(m), http_status(h), oauth_error(oe), oauth_description(od),
              field(f), idempotency_key(k), request_id(r) {}
        Status status;
        std::string message;
        int http_status;
        std::string oauth_error;
        std::string oauth_description;
        std::string field;
        std::string idempotency_key;
        std::string request_id;
    };
    std::shared_ptr<const Detail> detail_;
};

/// A call on a closed client (Status::Closed): a wait in progress when Client::close() was
/// called, from any thread, and every call after it, through the Client or its Jobs.
class ClosedError : public Error {
  public:
    explicit ClosedError(const std::string &message)
        : Error(Status::Closed, message) {}
};

/// A proxy answered 407 Proxy Authentication Required (Status::ProxyAuth): no proxy
/// credentials were set (proxy_username, proxy_password_file), the proxy refused them, or it
/// wants a scheme other than Basic. The message names the proxy; http_status() is 407.
class ProxyAuthError : public Error {
  public:
    explicit ProxyAuthError(const std::string &message, int http_status = 407,
                            const std::string &request_id = std::string())
        : Error(Status::ProxyAuth, message, http_status, std::string(), std::string(),
                std::string(), std::string(), request_id) {}
};

namespace detail {

/// A std::unique_ptr deleter that calls the C function `Free`.
template <typename T, void (*Free)(T *)>
struct CDeleter {
    void operator()(T *p) const noexcept { Free(p); }
};
typedef CDeleter<hazy_cancel_token_t, hazy_cancel_token_free> CancelTokenDeleter;

typedef std::unique_ptr<hazy_error_t, CDeleter<hazy_error_t, hazy_error_free> > ErrorPtr;
typedef std::unique_ptr<hazy_options_t, CDeleter<hazy_options_t, hazy_options_free> > OptionsPtr;
typedef std::unique_ptr<hazy_client_t, CDeleter<hazy_client_t, hazy_free> > ClientPtr;
typedef std::unique_ptr<hazy_job_t, CDeleter<hazy_job_t, hazy_job_free> > JobPtr;
typedef std::unique_ptr<hazy_job_list_t, CDeleter<hazy_job_list_t, hazy_job_list_free> > JobListPtr;
typedef std::unique_ptr<hazy_model_list_t, CDeleter<hazy_model_list_t, hazy_model_list_free> >
    ModelListPtr;
typedef std::unique_ptr<char, CDeleter<char, hazy_string_free> > StringPtr;

/// A borrowed C string as std::string; NULL becomes "".
inline std::string str(const char *s) { return s != nullptr ? std::string(s) : std::string(); }

/// The C++ status of a C one. The switch names every HAZY_STATUS_* and has no default, so a
/// status added to hazy.h without a case here is a -Wswitch warning (an error in the tests'
/// -Werror build) until it is mapped.
inline Status to_status(hazy_status status) noexcept {
    switch (status) {
        case HAZY_STATUS_OK: return Status::Ok;
        case HAZY_STATUS_INVALID_ARGUMENT: return Status::InvalidArgument;
        case HAZY_STATUS_AUTH: return Status::Auth;
        case HAZY_STATUS_FORBIDDEN: return Status::Forbidden;
        case HAZY_STATUS_NOT_FOUND: return Status::NotFound;
        case HAZY_STATUS_VALIDATION: return Status::Validation;
        case HAZY_STATUS_NETWORK: return Status::Network;
        case HAZY_STATUS_TIMEOUT: return Status::Timeout;
        case HAZY_STATUS_TLS: return Status::Tls;
        case HAZY_STATUS_SERVER: return Status::Server;
        case HAZY_STATUS_PROTOCOL: return Status::Protocol;
        case HAZY_STATUS_CANCELLED: return Status::Cancelled;
        case HAZY_STATUS_JOB_FAILED: return Status::JobFailed;
        case HAZY_STATUS_PANIC: return Status::Panic;
        case HAZY_STATUS_INVALID_STATE: return Status::InvalidState;
        case HAZY_STATUS_CLOSED: return Status::Closed;
        case HAZY_STATUS_PROXY_AUTH: return Status::ProxyAuth;
    }
    return static_cast<Status>(status);  // a number from a newer library than this header
}

/// Takes ownership of `raw` (the error a C call wrote, or NULL) at once, then throws the
/// matching hazy::Error when `status` is not OK. The C error is freed on every path.
inline void check(hazy_status status, hazy_error_t *raw) {
    ErrorPtr owned(raw);
    if (status == HAZY_STATUS_OK) {
        return;
    }
    const Status s = to_status(status);
    const hazy_error_t *e = owned.get();
    const std::string message =
        e != nullptr ? str(hazy_error_message(e)) : std::string("libhazy call failed without detail");
    if (s == Status::Closed) {
        throw ClosedError(message);
    }
    if (s == Status::ProxyAuth) {
        throw ProxyAuthError(message, e != nullptr ? static_cast<int>(hazy_error_http_status(e)) : 0,
                             e != nullptr ? str(hazy_error_request_id(e)) : std::string());
    }
    if (e == nullptr) {
        throw Error(s, message);
    }
    throw Error(s, message, static_cast<int>(hazy_error_http_status(e)),
                str(hazy_error_oauth_error(e)), str(hazy_error_oauth_description(e)),
                str(hazy_error_field(e)), str(hazy_error_idempotency_key(e)),
                str(hazy_error_request_id(e)));
}

/// A std::string as a C argument. An embedded NUL would silently cut the value short in C,
/// so it is refused here (the value itself is not echoed: it may be a secret).
inline const char *arg(const std::string &value, const char *what) {
    if (value.find('\0') != std::string::npos) {
        throw Error(Status::InvalidArgument, std::string(what) + " contains a NUL character");
    }
    return value.c_str();
}

/// Like arg(), but "" becomes NULL (an optional C argument left unset).
inline const char *optional_arg(const std::string &value, const char *what) {
    return value.empty() ? nullptr : arg(value, what);
}

inline std::uint64_t timeout_ms(std::chrono::milliseconds timeout) {
    if (timeout.count() < 0) {
        throw Error(Status::InvalidArgument, "timeout must not be negative");
    }
    return static_cast<std::uint64_t>(timeout.count());
}

/// `words` as a JSON array of strings (credential_command's argv form).
inline std::string json_words(const std::vector<std::string> &words) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "[";
    for (std::size_t i = 0; i < words.size(); ++i) {
        out += i == 0 ? "\"" : ",\"";
        for (std::string::const_iterator c = words[i].begin(); c != words[i].end(); ++c) {
            const unsigned char u = static_cast<unsigned char>(*c);
            if (*c == '"' || *c == '\\') {
                out += '\\';
                out += *c;
            } else if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xF];
            } else {
                out += *c;
            }
        }
        out += '"';
    }
    return out + "]";
}

[[noreturn]] inline void moved_from(const char *type) {
    throw Error(Status::InvalidState, std::string("use of a moved-from ") + type);
}

struct WaitContext;
inline std::int32_t progress_trampoline(const hazy_job_t *job, void *userdata) noexcept;

/// The C callback's userdata: the user's function. Owned by a shared_ptr held by the Options
/// and by every C client made from them (see SharedClientDeleter), so it outlives them all.
struct LogSink {
    explicit LogSink(LogCallback f) : callback(std::move(f)) {}
    LogCallback callback;
};

/// The C log callback: copies the record into a LogRecord and calls the user's function.
/// Nothing escapes into the C library: an exception (including bad_alloc while copying) is
/// swallowed, since a log line cannot be allowed to fail or abort the call it describes.
inline void log_trampoline(const hazy_log_record_t *record, void *userdata) noexcept {
    try {
        const LogSink *sink = static_cast<const LogSink *>(userdata);
        LogRecord r;
        r.level = static_cast<LogLevel>(hazy_log_record_level(record));
        r.event = str(hazy_log_record_event(record));
        r.message = str(hazy_log_record_message(record));
        r.method = str(hazy_log_record_method(record));
        r.url = str(hazy_log_record_url(record));
        r.request_id = str(hazy_log_record_request_id(record));
        r.job_id = str(hazy_log_record_job_id(record));
        r.trace_id = str(hazy_log_record_trace_id(record));
        r.span_id = str(hazy_log_record_span_id(record));
        r.http_status = static_cast<int>(hazy_log_record_http_status(record));
        r.attempt = hazy_log_record_attempt(record);
        r.delay_ms = hazy_log_record_delay_ms(record);
        r.elapsed_ms = hazy_log_record_elapsed_ms(record);
        sink->callback(r);
    } catch (...) {
    }
}

/// Frees a C client shared by a Client, its Jobs and views, then lets go of what the handle
/// needs while it lives (`keep`: the log sink, or a view's parent handle), so that is released
/// only after hazy_free.
struct SharedClientDeleter {
    explicit SharedClientDeleter(std::shared_ptr<const void> k) : keep(std::move(k)) {}
    void operator()(hazy_client_t *p) const noexcept { hazy_free(p); }
    std::shared_ptr<const void> keep;
};

}  // namespace detail

/// Client settings (option keys as in the C API: "host", "realm", "token_url",
/// "client_id", "poll_interval_ms", ...). Move-only.
class Options {
  public:
    /// The library defaults (realm "hazy", 10 s connect timeout, ...).
    Options() : p_(hazy_options_new()), log_sink_() {
        if (!p_) {
            throw std::bad_alloc();
        }
    }

    /// The defaults, then every HAZY_* environment variable that is set and non-empty.
    static Options from_env() {
        Options options;
        options.load_env();
        return options;
    }

    Options(Options &&) noexcept = default;
    Options &operator=(Options &&) noexcept = default;
    Options(const Options &) = delete;
    Options &operator=(const Options &) = delete;

    /// Applies the HAZY_* environment variables; call it before set() for explicit settings
    /// to win.
    Options &load_env() {
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_options_load_env(native_checked(), &err);
        detail::check(st, err);
        return *this;
    }

    /// Sets `key` to `value`; an empty value clears an optional setting.
    Options &set(const std::string &key, const std::string &value) {
        hazy_options_t *o = native_checked();
        const char *k = detail::arg(key, "option key");
        const char *v = detail::arg(value, "option value");
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_options_set(o, k, v, &err);
        detail::check(st, err);
        return *this;
    }
    /// NULL clears an optional setting.
    Options &set(const std::string &key, const char *value) {
        return value != nullptr ? set(key, std::string(value)) : set(key, std::string());
    }
    Options &set(const std::string &key, bool value) {
        return set(key, std::string(value ? "true" : "false"));
    }
    /// Whole numbers, e.g. set("poll_interval_ms", 100).
    template <typename T>
    typename std::enable_if<std::is_integral<T>::value && !std::is_same<T, bool>::value,
                            Options &>::type
    set(const std::string &key, T value) {
        return set(key, std::to_string(value));
    }

    // Typed shortcuts for common settings.
    Options &host(const std::string &url) { return set("host", url); }
    Options &realm(const std::string &name) { return set("realm", name); }
    Options &token_url(const std::string &url) { return set("token_url", url); }
    Options &ca_bundle(const std::string &path) { return set("ca_bundle", path); }
    Options &auth_url(const std::string &url) { return set("auth_url", url); }

    /// Authenticates the client to Keycloak with a JWT signed by its private key instead of
    /// a client secret (private_key_jwt, RFC 7523; Keycloak's "Signed JWT"), for
    /// Client::authenticate() and the refresh grant. `key_file` is a PEM file: an RSA key
    /// (PKCS#1 or PKCS#8, signed with RS256) or an EC P-256/P-384 key (PKCS#8, ES256/ES384).
    /// A missing or unusable file makes the Client constructor throw hazy::Error with
    /// Status::InvalidArgument, naming the path but never the key.
    Options &private_key_jwt(const std::string &client_id, const std::string &key_file) {
        return set("client_id", client_id)
            .set("client_auth", std::string("private_key_jwt"))
            .set("client_private_key", key_file);
    }
    /// The `kid` header of private_key_jwt assertions (for keys Keycloak reads from a JWKS).
    Options &client_key_id(const std::string &kid) { return set("client_key_id", kid); }
    /// RS256 (the default for RSA keys), RS384, RS512, PS256, PS384, PS512, or ES256/ES384.
    Options &client_assertion_alg(const std::string &alg) { return set("client_assertion_alg", alg); }
    /// A TLS client certificate (mutual TLS) for every server that asks for one: Keycloak,
    /// the Hub, or a TLS proxy in front of them. A server that requires one and gets none
    /// fails calls with Status::Tls.
    Options &client_certificate(const std::string &cert_file, const std::string &key_file) {
        return set("client_cert", cert_file).set("client_key", key_file);
    }
    // Secret files, read again for every grant: a secret that Vault Agent, CyberArk or a
    // Kubernetes Secret rotates is used without a restart. Trailing newlines are trimmed, a
    // file that group or others can read gets a warning, and a missing or empty file fails the
    // grant with Status::InvalidArgument naming the path, never the content. Each is not to be
    // combined with its secret set as a value.

    /// The client secret, from a file (client_secret_file), for Client::authenticate() with a
    /// client id (set("client_id", ...)).
    Options &client_secret_file(const std::string &path) { return set("client_secret_file", path); }
    /// The password of the password grant (user: set("username", ...)), from a file.
    Options &password_file(const std::string &path) { return set("password_file", path); }
    /// A bearer token obtained elsewhere, from a file read again when the Hub rejects the
    /// token, so a token another process renews is picked up.
    Options &access_token_file(const std::string &path) { return set("access_token_file", path); }

    /// Runs a program for every grant (credential_command), as AWS's credential_process: it
    /// prints {"client_secret": "..."}, or {"access_token": "...", "expires_at": ...} (RFC
    /// 3339 or unix seconds) as JSON. `command` is split into words as a POSIX shell would,
    /// without running a shell or expanding anything (credential_command_args takes the words
    /// themselves, credential_command_shell runs a shell). Its stderr is never shown. A failed
    /// start, a non-zero exit or bad output fails the grant with Status::Auth or
    /// Status::InvalidArgument, never with a secret in the message; it is killed after 10 s
    /// (credential_command_timeout). Not with a client secret or access token (value or file).
    Options &credential_command(const std::string &command) {
        return set("credential_command", command).set("credential_command_shell", false);
    }
    /// As credential_command(), with the program and its arguments given as words: no quoting
    /// needed.
    Options &credential_command_args(const std::vector<std::string> &argv) {
        return set("credential_command", detail::json_words(argv)).set("credential_command_shell", false);
    }
    /// As credential_command(), run by the system shell (/bin/sh -c, cmd /C on Windows).
    Options &credential_command_shell(const std::string &command) {
        return set("credential_command", command).set("credential_command_shell", true);
    }
    /// How long the credential command may run before it is killed and the grant fails with
    /// Status::Timeout (default 10 s).
    Options &credential_command_timeout(std::chrono::milliseconds t) {
        return set("credential_command_timeout_ms", detail::timeout_ms(t));
    }

    /// The file holding the passphrase of private_key_jwt()'s key when it is encrypted (PKCS#8
    /// PEM, or a PKCS#12 bundle). Read with the key, again for every grant. A wrong passphrase
    /// throws Status::InvalidArgument naming the path, never the passphrase.
    Options &private_key_passphrase_file(const std::string &path) {
        return set("client_private_key_passphrase_file", path);
    }
    /// The file holding the passphrase of client_certificate()'s key when it is an encrypted
    /// PKCS#8 PEM key; read with the key, whenever a new connection reads them again.
    Options &client_key_passphrase_file(const std::string &path) {
        return set("client_key_passphrase_file", path);
    }
    /// A TLS client certificate (mutual TLS) from a PKCS#12 bundle (.p12 or .pfx: the key, the
    /// certificate and its chain) instead of client_certificate()'s PEM files;
    /// `passphrase_file` holds its passphrase ("" for none). Both are read again when a new
    /// connection is made, so a rotated certificate is used without a restart. A missing file
    /// or a wrong passphrase makes the Client constructor throw Status::InvalidArgument naming
    /// the path, never the passphrase.
    Options &client_certificate_p12(const std::string &path, const std::string &passphrase_file = std::string()) {
        return set("client_cert_p12", path).set("client_cert_p12_passphrase_file", passphrase_file);
    }

    /// This client's proxy: an http:// or https:// URL without credentials (proxy_auth() gives
    /// them). It overrides HTTPS_PROXY, HTTP_PROXY and NO_PROXY for this client only; other
    /// clients in the process keep their own. A 407 from the proxy throws ProxyAuthError.
    Options &proxy(const std::string &url) { return set("proxy", url); }
    /// The hosts, domains (".example.com") and IP ranges ("10.0.0.0/8") that proxy()'s client
    /// reaches directly, comma-separated, with NO_PROXY's rules.
    Options &no_proxy(const std::string &hosts) { return set("no_proxy", hosts); }
    /// Basic authentication to proxy()'s proxy: `username`, and the password read from
    /// `password_file` (trailing newlines trimmed) when the Client is made. An unreadable file
    /// makes the Client constructor throw Status::InvalidArgument naming the path.
    Options &proxy_auth(const std::string &username, const std::string &password_file) {
        return set("proxy_username", username).set("proxy_password_file", password_file);
    }

    Options &connect_timeout(std::chrono::milliseconds t) {
        return set("connect_timeout_ms", detail::timeout_ms(t));
    }
    Options &request_timeout(std::chrono::milliseconds t) {
        return set("request_timeout_ms", detail::timeout_ms(t));
    }
    Options &poll_interval(std::chrono::milliseconds t) {
        return set("poll_interval_ms", detail::timeout_ms(t));
    }
    /// Shares tokens with other processes through this file (token_cache, HAZY_TOKEN_CACHE):
    /// a client finds a valid token there instead of asking Keycloak, and processes started
    /// together make one token request. The file is created with mode 0600; its directory must
    /// exist and only the user may write to it. A file others could read is refused with a
    /// warning and the client works without it. A missing directory makes the Client
    /// constructor throw hazy::Error with Status::InvalidArgument, as does any file on Windows.
    Options &token_cache(const std::string &path) { return set("token_cache", path); }
    /// The W3C trace context (`00-<32 hex>-<16 hex>-<2 hex>`) every call of the client joins
    /// as a child; "" (the default) starts a new trace per call. Per call: Client::with_traceparent.
    Options &traceparent(const std::string &value) { return set("traceparent", value); }

    /// Sends the log records at `min_level` and more severe of every Client made from these
    /// options to `callback` (see LogCallback for the threads it runs on). An empty callback
    /// or LogLevel::Off removes it. The function is shared, not copied, by those clients:
    /// it lives as long as the last of them. Independent of HAZY_LOG and HAZY_LOG_FILE.
    Options &log_callback(LogCallback callback, LogLevel min_level = LogLevel::Info) {
        hazy_options_t *o = native_checked();
        std::shared_ptr<detail::LogSink> sink;
        if (callback && min_level != LogLevel::Off) {
            sink = std::make_shared<detail::LogSink>(std::move(callback));
        }
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_options_set_log_callback(
            o, sink ? &detail::log_trampoline : nullptr, sink.get(),
            static_cast<std::int32_t>(sink ? min_level : LogLevel::Off), &err);
        detail::check(st, err);
        log_sink_ = std::move(sink);
        return *this;
    }

    /// The C handle (NULL after a move), still owned by this object.
    const hazy_options_t *native() const noexcept { return p_.get(); }

  private:
    friend class Client;
    hazy_options_t *native_checked() const {
        if (!p_) {
            detail::moved_from("hazy::Options");
        }
        return p_.get();
    }
    detail::OptionsPtr p_;
    // The log callback registered in p_ (or null); each Client made from p_ shares it.
    std::shared_ptr<detail::LogSink> log_sink_;
};

/// The client_credentials grant (the "API key" is the client secret).
struct ClientCredentials {
    ClientCredentials(std::string id, std::string secret)
        : client_id(std::move(id)), client_secret(std::move(secret)) {}
    std::string client_id;
    std::string client_secret;
};

/// The password grant (a user of the realm, through an OAuth client).
struct Password {
    /// A public client (no client secret).
    Password(std::string id, std::string user, std::string pass)
        : client_id(std::move(id)), client_secret(), username(std::move(user)),
          password(std::move(pass)) {}
    /// A confidential client.
    Password(std::string id, std::string secret, std::string user, std::string pass)
        : client_id(std::move(id)), client_secret(std::move(secret)), username(std::move(user)),
          password(std::move(pass)) {}
    std::string client_id;
    std::string client_secret;  ///< empty for a public client
    std::string username;
    std::string password;
};

/// An access token obtained elsewhere; it cannot be refreshed.
struct BearerToken {
    explicit BearerToken(std::string access_token) : token(std::move(access_token)) {}
    std::string token;
};

/// Cancels waits from another thread. Copies share one flag (give each thread its own
/// copy); the flag lives until the last copy is gone. cancel() is thread-safe.
class CancelToken {
  public:
    CancelToken() : p_(hazy_cancel_token_new(), detail::CancelTokenDeleter()) {}
    /// Every wait using this token (now or later) ends with Status::Cancelled.
    void cancel() const noexcept { hazy_cancel_token_cancel(p_.get()); }
    const hazy_cancel_token_t *native() const noexcept { return p_.get(); }

  private:
    std::shared_ptr<hazy_cancel_token_t> p_;
};

/// A trained model.
struct Model {
    Model() : id(), project_id(), train_job_id(), generator_type(), epsilon(-1.0) {}
    std::string id;
    std::string project_id;
    std::string train_job_id;    ///< empty when unknown
    std::string generator_type;  ///< e.g. "priv_bayes"; empty when unknown
    double epsilon;              ///< negative when unknown
};

class Job;

/// Called after every poll of Job::wait() with the latest snapshot, on the waiting thread.
/// Return true to keep waiting, false to stop (wait() then throws Status::Cancelled). An
/// exception it throws stops the wait and comes out of wait() unchanged. It may call the
/// library (e.g. copy the job and cancel() it).
typedef std::function<bool(const Job &)> ProgressCallback;

/// A job on the Hub: its id plus the snapshot last seen. Copyable. It shares the Client's
/// connection, so it stays usable after the Client object that made it is gone.
class Job {
  public:
    const std::string &id() const noexcept { return id_; }
    const std::string &project_id() const noexcept { return project_id_; }
    /// "train", "generate" or "other".
    const std::string &kind() const noexcept { return kind_; }
    /// The state as libhazy understands it: State::Unknown for a word this version does not
    /// know (raw_state() has the word).
    State state() const noexcept { return state_; }
    /// The state exactly as the Hub sent it ("SUCCEEDED", "completed", "ARCHIVED", ...).
    /// States are read in any case and with the usual synonyms, so compare state(); this is
    /// for display and for words that give State::Unknown.
    const std::string &raw_state() const noexcept { return raw_state_; }
    /// From 0.0 to 1.0.
    double progress() const noexcept { return progress_; }
    /// A succeeded train job's model, a generation job's source model; empty otherwise.
    const std::string &model_id() const noexcept { return model_id_; }
    /// The Hub's reason for a failed job; empty otherwise.
    const std::string &failure_reason() const noexcept { return failure_reason_; }
    /// A generation job's output location (where the Hub writes the rows: the generation
    /// config's "output_location", or the Hub's own place); empty otherwise.
    const std::string &output_location() const noexcept { return output_location_; }
    /// True once the job succeeded, failed or was cancelled.
    bool finished() const noexcept {
        return state_ == State::Succeeded || state_ == State::Failed ||
               state_ == State::Cancelled;
    }

    /// Asks the Hub for the job's current state (a request, unlike the getters above); updates
    /// this snapshot and returns the state.
    State refresh() {
        hazy_job_t *out = nullptr;
        hazy_error_t *err = nullptr;
        hazy_client_t *c = client();
        const hazy_status st = hazy_job_get(c, detail::arg(id_, "job id"), &out, &err);
        detail::JobPtr job(out);
        detail::check(st, err);
        assign(job.get());
        return state_;
    }

    /// Cancels the job on the Hub (a finished job is left as it is); updates this snapshot.
    Job &cancel() {
        hazy_job_t *out = nullptr;
        hazy_error_t *err = nullptr;
        hazy_client_t *c = client();
        const hazy_status st = hazy_job_cancel(c, detail::arg(id_, "job id"), &out, &err);
        detail::JobPtr job(out);
        detail::check(st, err);
        assign(job.get());
        return *this;
    }

    /// Blocks until the job succeeds and updates this snapshot. `timeout` zero waits
    /// without limit. Throws hazy::Error: Status::JobFailed (the message carries the Hub's
    /// reason), Status::Cancelled (job cancelled, callback returned false, token cancelled),
    /// Status::Timeout, ClosedError (Client::close() was called, from any thread),
    /// Status::Protocol with field() "state" once the job stayed in states libhazy does not
    /// know (State::Unknown) for the option unknown_state_timeout_ms (default 60000; the
    /// message names the Hub's word, and every such snapshot has reached `progress`), or any
    /// status of refresh(); or rethrows what `progress` threw.
    /// Leaving the wait never cancels the job on the Hub: call cancel() for that.
    Job &wait(std::chrono::milliseconds timeout = std::chrono::milliseconds::zero(),
              const ProgressCallback &progress = ProgressCallback()) {
        return wait_impl(timeout, progress, nullptr);
    }
    /// As above; cancelling `token` from another thread ends the wait promptly.
    Job &wait(std::chrono::milliseconds timeout, const ProgressCallback &progress,
              const CancelToken &token) {
        return wait_impl(timeout, progress, &token);
    }

  private:
    friend class Client;
    friend std::int32_t detail::progress_trampoline(const hazy_job_t *, void *) noexcept;

    Job(std::shared_ptr<hazy_client_t> client, const hazy_job_t *job)
        : client_(std::move(client)), id_(), project_id_(), kind_(), state_(State::Unknown),
          raw_state_(), progress_(0.0), model_id_(), failure_reason_(), output_location_() {
        assign(job);
    }

    void assign(const hazy_job_t *job) {
        id_ = detail::str(hazy_job_id(job));
        project_id_ = detail::str(hazy_job_project_id(job));
        kind_ = detail::str(hazy_job_kind(job));
        state_ = static_cast<State>(hazy_job_state(job));
        raw_state_ = detail::str(hazy_job_raw_state(job));
        progress_ = hazy_job_progress(job);
        model_id_ = detail::str(hazy_job_model_id(job));
        failure_reason_ = detail::str(hazy_job_failure_reason(job));
        output_location_ = detail::str(hazy_job_output_location(job));
    }

    hazy_client_t *client() const {
        if (!client_) {
            detail::moved_from("hazy::Job");
        }
        return client_.get();
    }

    inline Job &wait_impl(std::chrono::milliseconds timeout, const ProgressCallback &progress,
                          const CancelToken *token);

    std::shared_ptr<hazy_client_t> client_;
    std::string id_;
    std::string project_id_;
    std::string kind_;
    State state_;
    std::string raw_state_;
    double progress_;
    std::string model_id_;
    std::string failure_reason_;
    std::string output_location_;
};

namespace detail {

/// What the C callback needs to call the C++ one, and where an exception waits.
struct WaitContext {
    WaitContext(std::shared_ptr<hazy_client_t> c, const ProgressCallback *p)
        : client(std::move(c)), progress(p), error() {}
    WaitContext(const WaitContext &) = delete;
    WaitContext &operator=(const WaitContext &) = delete;
    std::shared_ptr<hazy_client_t> client;
    const ProgressCallback *progress;
    std::exception_ptr error;
};

/// The C callback: never lets an exception out. An exception is stored and the wait is
/// told to stop (non-zero); Job::wait rethrows it once hazy_job_wait has returned.
inline std::int32_t progress_trampoline(const hazy_job_t *job, void *userdata) noexcept {
    WaitContext *ctx = static_cast<WaitContext *>(userdata);
    try {
        const Job snapshot(ctx->client, job);
        return (*ctx->progress)(snapshot) ? 0 : 1;
    } catch (...) {
        ctx->error = std::current_exception();
        return 1;
    }
}

}  // namespace detail

inline Job &Job::wait_impl(std::chrono::milliseconds timeout, const ProgressCallback &progress,
                           const CancelToken *token) {
    hazy_client_t *c = client();
    // A copy: the callback may refresh this very Job (refresh()), which replaces id_'s buffer
    // while the library still borrows the id.
    const std::string job_id = id_;
    const char *id = detail::arg(job_id, "job id");
    const std::uint64_t ms = detail::timeout_ms(timeout);
    detail::WaitContext ctx(client_, &progress);
    hazy_job_t *out = nullptr;
    hazy_error_t *err = nullptr;
    const hazy_status st =
        hazy_job_wait(c, id, ms, progress ? &detail::progress_trampoline : nullptr, &ctx,
                      token != nullptr ? token->native() : nullptr, &out, &err);
    detail::JobPtr job(out);
    detail::ErrorPtr error(err);
    if (ctx.error) {
        std::rethrow_exception(ctx.error);  // `job` and `error` are freed on the way out
    }
    detail::check(st, error.release());
    assign(job.get());
    return *this;
}

/// A connection to the Hub with its token cache. Move-only; safe to share between threads
/// (by reference). A moved-from Client may only be destroyed or assigned to; any other
/// call throws Status::InvalidState.
///
/// Lifetime: the native handle is shared by the Client and the Jobs it made, and freed
/// (hazy_free) with the last of them, so the destructor frees it unless Jobs still use it;
/// that ownership is all the counting there is (libhazy itself counts the calls in progress).
/// The log callback of the Options it was made from is released after that hazy_free.
/// close() ends the client at once for all of them, from any thread: waits in progress throw
/// ClosedError within milliseconds, calls already sending a request finish it, and every
/// later call (through the Client or its Jobs) throws ClosedError. It also releases at once
/// the connections, tokens and credentials (wiped) and the rest of the native state, however
/// many Jobs still hold the handle; what they keep alive is only the small handle itself.
class Client {
  public:
    /// A client with these settings (copied; a log callback is shared). No network traffic.
    explicit Client(const Options &options)
        : handle_(create(options.native_checked(), options.log_sink_)) {}

    /// A client configured from the HAZY_* environment variables. No network traffic.
    static Client from_env() { return Client(create(nullptr, nullptr)); }

    Client(Client &&) noexcept = default;
    Client &operator=(Client &&) noexcept = default;
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    /// False after a move.
    explicit operator bool() const noexcept { return static_cast<bool>(handle_); }

    /// Authenticates with the credentials configured in the options or environment.
    void authenticate() {
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_authenticate(native_checked(), &err);
        detail::check(st, err);
    }
    void authenticate(const ClientCredentials &credentials) {
        hazy_client_t *c = native_checked();
        const char *id = detail::arg(credentials.client_id, "client_id");
        const char *secret = detail::arg(credentials.client_secret, "client_secret");
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_authenticate_client_credentials(c, id, secret, &err);
        detail::check(st, err);
    }
    void authenticate(const Password &credentials) {
        hazy_client_t *c = native_checked();
        const char *id = detail::arg(credentials.client_id, "client_id");
        const char *secret = detail::optional_arg(credentials.client_secret, "client_secret");
        const char *user = detail::arg(credentials.username, "username");
        const char *pass = detail::arg(credentials.password, "password");
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_authenticate_password(c, id, secret, user, pass, &err);
        detail::check(st, err);
    }
    void authenticate(const BearerToken &credentials) {
        hazy_client_t *c = native_checked();
        const char *token = detail::arg(credentials.token, "token");
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_authenticate_bearer(c, token, &err);
        detail::check(st, err);
    }

    /// A currently valid access token (renewed first if due). A secret: don't log it.
    std::string access_token() {
        char *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_access_token(native_checked(), &out, &err);
        detail::StringPtr token(out);  // hazy_string_free wipes it
        detail::check(st, err);
        return std::string(token.get());
    }

    /// Ends the Keycloak session behind the client's tokens: the refresh token is revoked and
    /// its session logged out (with the token_cache option, the cache file's entry for the
    /// client's credentials too). The client forgets its tokens, so a later call authenticates
    /// anew; an access token handed out already stays valid until it expires. Call it when a
    /// program that used the password grant is done. Without a refresh token (client
    /// credentials) there is nothing to revoke and it returns at once. Throws
    /// Status::InvalidArgument (no credentials, a BearerToken, or a token URL that does not end
    /// in /token), Status::Auth (Keycloak refused the client), Status::Timeout (the token
    /// cache's lock stayed held), the network statuses, ClosedError when closed.
    void logout() {
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_logout(native_checked(), &err);
        detail::check(st, err);
    }

    /// Requests sent to the token endpoint so far (retries included); 0 after a move.
    std::uint64_t token_request_count() const noexcept {
        return hazy_token_request_count(handle_.get());
    }

    /// Submits a training job; `config_json` is a Hazy TrainingConfig. Retried with an
    /// Idempotency-Key, so it creates one job; a failure's Error::idempotency_key() is the key.
    Job train(const std::string &project_id, const std::string &config_json) {
        return train_impl(project_id, config_json, nullptr);
    }
    /// As above, under the caller's Idempotency-Key (1 to 255 printable ASCII characters
    /// without spaces, e.g. a batch run id): submitting again with it, from any process,
    /// returns the job the first submission created; a different config under the same key
    /// throws Status::Validation (HTTP 409).
    Job train(const std::string &project_id, const std::string &config_json,
              const std::string &idempotency_key) {
        return train_impl(project_id, config_json, &idempotency_key);
    }

    /// Submits a generation job from a trained model: `num_rows` rows (0 = not given)
    /// and/or a generation config (JSON object; "" = not given), at least one of them.
    Job generate(const std::string &project_id, const std::string &model_id,
                 std::uint64_t num_rows, const std::string &config_json = std::string()) {
        return generate_impl(project_id, model_id, num_rows, config_json, nullptr);
    }
    /// As above, under the caller's Idempotency-Key (see train()).
    Job generate(const std::string &project_id, const std::string &model_id,
                 std::uint64_t num_rows, const std::string &config_json,
                 const std::string &idempotency_key) {
        return generate_impl(project_id, model_id, num_rows, config_json, &idempotency_key);
    }

    /// The job `job_id` as the Hub sees it now.
    Job job(const std::string &job_id) {
        hazy_client_t *c = native_checked();
        const char *id = detail::arg(job_id, "job_id");
        hazy_job_t *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_job_get(c, id, &out, &err);
        detail::JobPtr snapshot(out);
        detail::check(st, err);
        return Job(handle_, snapshot.get());
    }

    /// Every job of the project, oldest first.
    std::vector<Job> jobs(const std::string &project_id) {
        hazy_client_t *c = native_checked();
        const char *project = detail::arg(project_id, "project_id");
        hazy_job_list_t *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_jobs_list(c, project, &out, &err);
        detail::JobListPtr list(out);
        detail::check(st, err);
        std::vector<Job> result;
        const std::size_t n = hazy_job_list_len(list.get());
        result.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            result.push_back(Job(handle_, hazy_job_list_get(list.get(), i)));
        }
        return result;
    }

    /// Every trained model of the project.
    std::vector<Model> models(const std::string &project_id) {
        hazy_client_t *c = native_checked();
        const char *project = detail::arg(project_id, "project_id");
        hazy_model_list_t *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_models_list(c, project, &out, &err);
        detail::ModelListPtr list(out);
        detail::check(st, err);
        std::vector<Model> result;
        const std::size_t n = hazy_model_list_len(list.get());
        result.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const hazy_model_t *m = hazy_model_list_get(list.get(), i);
            Model model;
            model.id = detail::str(hazy_model_id(m));
            model.project_id = detail::str(hazy_model_project_id(m));
            model.train_job_id = detail::str(hazy_model_train_job_id(m));
            model.generator_type = detail::str(hazy_model_generator_type(m));
            model.epsilon = hazy_model_epsilon(m);
            result.push_back(std::move(model));
        }
        return result;
    }

    /// Closes the client for it and its Jobs (hazy_client_close): waits in progress in any
    /// thread throw ClosedError promptly, and so does every later call. Its connections,
    /// tokens and credentials are released at once (as the last call in progress returns, if
    /// any). Idempotent; thread-safe; nothing to do after a move. The handle is freed as usual,
    /// by the last owner.
    void close() noexcept { hazy_client_close(handle_.get()); }

    /// A second Client on the same connection, token cache and log callback whose calls (and
    /// the Jobs it makes) join the caller's trace: every request carries `traceparent`'s trace
    /// id (a W3C trace context, `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`) with a
    /// new span id per attempt. Use one per incoming request of your own service, for example;
    /// "" starts a new trace per call. Destroying it frees only the view: this client stays
    /// open, and stays alive as long as the view does. close() on either closes both.
    /// Throws Status::InvalidArgument for a malformed traceparent, ClosedError when closed.
    Client with_traceparent(const std::string &traceparent) const {
        hazy_client_t *c = native_checked();
        const char *tp = detail::arg(traceparent, "traceparent");
        hazy_client_t *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_client_with_traceparent(c, tp, &out, &err);
        detail::ClientPtr view(out);
        detail::check(st, err);
        return Client(share(std::move(view), handle_));
    }

    /// The C handle (NULL after a move), still owned by this object and its jobs.
    hazy_client_t *native() const noexcept { return handle_.get(); }

  private:
    Job train_impl(const std::string &project_id, const std::string &config_json,
                   const std::string *idempotency_key) {
        hazy_client_t *c = native_checked();
        const char *project = detail::arg(project_id, "project_id");
        const char *config = detail::arg(config_json, "config_json");
        const char *key = idempotency_key != nullptr
                              ? detail::arg(*idempotency_key, "idempotency_key")
                              : nullptr;
        hazy_job_t *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_train_with_key(c, project, config, key, &out, &err);
        detail::JobPtr job(out);
        detail::check(st, err);
        return Job(handle_, job.get());
    }

    Job generate_impl(const std::string &project_id, const std::string &model_id,
                      std::uint64_t num_rows, const std::string &config_json,
                      const std::string *idempotency_key) {
        hazy_client_t *c = native_checked();
        const char *project = detail::arg(project_id, "project_id");
        const char *model = detail::arg(model_id, "model_id");
        const char *config = detail::optional_arg(config_json, "config_json");
        const char *key = idempotency_key != nullptr
                              ? detail::arg(*idempotency_key, "idempotency_key")
                              : nullptr;
        hazy_job_t *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st =
            hazy_generate_with_key(c, project, model, num_rows, config, key, &out, &err);
        detail::JobPtr job(out);
        detail::check(st, err);
        return Job(handle_, job.get());
    }

    explicit Client(std::shared_ptr<hazy_client_t> handle) : handle_(std::move(handle)) {}

    static std::shared_ptr<hazy_client_t> create(const hazy_options_t *options,
                                                 std::shared_ptr<const void> log_sink) {
        hazy_client_t *out = nullptr;
        hazy_error_t *err = nullptr;
        const hazy_status st = hazy_client_new(options, &out, &err);
        detail::ClientPtr client(out);
        detail::check(st, err);
        return share(std::move(client), std::move(log_sink));
    }

    /// The handle as shared by Clients and Jobs; `keep` is released after hazy_free.
    static std::shared_ptr<hazy_client_t> share(detail::ClientPtr client,
                                                std::shared_ptr<const void> keep) {
        // If the control block cannot be allocated, shared_ptr calls the deleter (hazy_free).
        return std::shared_ptr<hazy_client_t>(client.release(),
                                              detail::SharedClientDeleter(std::move(keep)));
    }

    hazy_client_t *native_checked() const {
        if (!handle_) {
            detail::moved_from("hazy::Client");
        }
        return handle_.get();
    }

    // Shared with the Jobs this client made, so that a Job never outlives the handle.
    std::shared_ptr<hazy_client_t> handle_;
};

}  // namespace hazy

#endif  // HAZY_HPP
