//! A C-level libFuzzer harness: scripts of calls to the exported functions, called through the
//! crate (`hazy::ffi`, the definitions `hazy.h` is generated from) as a C program calls them, with
//! arbitrary byte strings (invalid UTF-8, empty, huge), NULL for any pointer argument and for
//! the error out-parameter, every option key, and the planted canary secrets. There is no
//! server: every client is pointed at a closed port on 127.0.0.1, so calls that reach the
//! network fail fast.
//!
//! Input: one call per line, arguments separated by tabs; `\N` is NULL, `$S`, `$P` and `$T`
//! are the canary client secret, password and token; a trailing `!` on the call name passes
//! NULL as `error`. Checked after every call:
//! - the status is a documented one, never PANIC;
//! - OK if and only if no error object comes back; otherwise the error's status is the call's,
//!   its message non-empty UTF-8 of bounded length, every other field NULL or UTF-8;
//! - out-parameters are written on success only;
//! - calls that need the closed-port server never succeed;
//! - no error text reveals a canary (or 6+ leading characters of it, in any encoding) unless
//!   the script itself passed those characters somewhere other than a secret argument;
//! - a bearer token set is the token read back, in a string freed with hazy_string_free;
//! - after hazy_client_close no call on the client succeeds, and only such calls give CLOSED;
//! - a failed submission (train, generate, and their `-key` forms, which pass a caller's
//!   Idempotency-Key) carries its key: the caller's, or a generated UUID, and always after a
//!   NETWORK failure; no other call carries one.
#![no_main]

use std::ffi::{c_char, CStr, CString};
use std::net::TcpListener;
use std::ptr::{self, NonNull};
use std::sync::OnceLock;

use hazy_fuzz::*;
use libfuzzer_sys::fuzz_target;

// The exported functions themselves, through the crate: the compiler checks every call
// against the definitions that cbindgen writes hazy.h from, where a hand-written extern block
// could drift from them unnoticed.
use hazy::ffi::cancel::*;
use hazy::ffi::client::*;
use hazy::ffi::error::*;
use hazy::ffi::jobs::*;
use hazy::ffi::lists::*;
use hazy::ffi::options::*;
use hazy::Status;

type Options = hazy::ffi::hazy_options_t;
type Client = hazy::ffi::hazy_client_t;
type HazyError = hazy::ffi::hazy_error_t;
type Job = hazy::ffi::hazy_job_t;
type JobList = hazy::ffi::hazy_job_list_t;
type ModelList = hazy::ffi::hazy_model_list_t;

const OK: Status = Status::Ok;
const NETWORK: Status = Status::Network;
const PANIC: Status = Status::Panic;
const CLOSED: Status = Status::Closed;
/// Statuses are numbered from 0 without gaps; the header's enum is checked against the
/// library by tests/header.rs.
const LAST_STATUS: i32 = hazy::Status::ALL.len() as i32 - 1;
const SECRET_KEYS: [&[u8]; 3] = [b"client_secret", b"password", b"access_token"];

/// A closed port: bound once to learn a free number, then released.
fn closed_host() -> &'static CStr {
    static HOST: OnceLock<CString> = OnceLock::new();
    HOST.get_or_init(|| {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        CString::new(format!("http://127.0.0.1:{port}")).unwrap()
    })
}

/// One argument: NULL, a canary, or bytes up to the first NUL (as C would read them).
enum Arg {
    Null,
    Text(CString),
}

impl Arg {
    fn parse(raw: &[u8]) -> Arg {
        let bytes: &[u8] = match raw {
            b"\\N" => return Arg::Null,
            b"$S" => CLIENT_SECRET.as_bytes(),
            b"$P" => PASSWORD.as_bytes(),
            b"$T" => ACCESS_TOKEN.as_bytes(),
            _ => raw,
        };
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        Arg::Text(CString::new(&bytes[..end]).unwrap())
    }
    fn ptr(&self) -> *const c_char {
        match self {
            Arg::Null => ptr::null(),
            Arg::Text(s) => s.as_ptr(),
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Arg::Null => b"",
            Arg::Text(s) => s.as_bytes(),
        }
    }
}

/// A C string from the library: must be UTF-8.
unsafe fn text<'a>(p: *const c_char, what: &str) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    Some(CStr::from_ptr(p).to_str().unwrap_or_else(|_| panic!("{what} is not UTF-8")))
}

struct Script {
    options: *mut Options,
    client: *mut Client,
    bearer: Option<Vec<u8>>,
    /// What the script passed outside secret arguments: text that may rightly come back.
    public: Vec<String>,
    planted: Vec<(String, usize)>,
    /// Set while the current call is a submission: the Idempotency-Key it passed, if any.
    submission: Option<Option<Vec<u8>>>,
    /// hazy_client_close was called on the current client: no later call on it succeeds.
    closed: bool,
    /// The current call takes the client.
    on_client: bool,
}

impl Script {
    fn new() -> Script {
        let mut planted = forms(CLIENT_SECRET, Some(CLIENT_ID));
        planted.extend(forms(PASSWORD, None));
        planted.extend(forms(ACCESS_TOKEN, None));
        planted.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
        let options = hazy_options_new();
        assert!(!options.is_null());
        Script {
            options,
            client: ptr::null_mut(),
            bearer: None,
            public: Vec::new(),
            planted,
            submission: None,
            closed: false,
            on_client: false,
        }
    }

    unsafe fn free(self) {
        hazy_free(self.client);
        hazy_options_free(self.options);
    }

    /// Checks one call's status and error object, then frees the error.
    unsafe fn check(&self, call: &str, status: Status, error: *mut HazyError, asked: bool) {
        let code = status as i32;
        assert!((0..=LAST_STATUS).contains(&code), "{call}: status {code} is not documented");
        assert_ne!(status, PANIC, "{call}: a panic inside libhazy");
        let name = text(hazy_status_name(code), "status name").unwrap();
        assert_ne!(name, "UNKNOWN", "{call}: status {code}");
        if self.on_client && self.closed && !self.client.is_null() {
            assert_ne!(status, OK, "{call} succeeded on a closed client");
        }
        if status == CLOSED {
            assert!(self.on_client && self.closed, "{call}: CLOSED from a client that was never closed");
        }
        if !asked {
            return;
        }
        assert_eq!(status == OK, error.is_null(), "{call}: status {name} with error {error:?}");
        if error.is_null() {
            return;
        }
        assert_eq!(hazy_error_status(error), status, "{call}");
        let message = text(hazy_error_message(error), "message").expect("a NULL message");
        assert!(!message.is_empty(), "{call}: empty message");
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS, "{call}: message of {} chars", message.len());
        let _ = hazy_error_http_status(error);
        let fields = [
            Some(message),
            text(hazy_error_oauth_error(error), "oauth error"),
            text(hazy_error_oauth_description(error), "oauth description"),
            text(hazy_error_field(error), "field"),
            // A server may answer with an X-Request-ID of its own: it is shown, so scrubbed too.
            text(hazy_error_request_id(error), "request id"),
        ];
        let outputs: Vec<&str> = fields.into_iter().flatten().collect();
        if let Some(leak) = find_echo(&outputs, &self.public, &self.planted) {
            panic!("{call}: secret leaked: {leak}");
        }
        // A failed submission tells the caller its Idempotency-Key (the job may exist on the
        // Hub): the caller's own, or a generated UUID. No other call has one.
        let key = text(hazy_error_idempotency_key(error), "idempotency key");
        match &self.submission {
            None => assert!(key.is_none(), "{call}: an idempotency key on a call that submits nothing"),
            Some(given) => {
                if status == NETWORK {
                    assert!(key.is_some(), "{call}: a NETWORK failure without its idempotency key");
                }
                match (key, given) {
                    (None, _) => {}
                    (Some(key), Some(given)) => assert_eq!(key.as_bytes(), &given[..], "{call}: not the caller's key"),
                    (Some(key), None) => {
                        let uuid = key.len() == 36 && key.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit());
                        assert!(uuid, "{call}: generated key {key:?} is not a UUID");
                    }
                }
            }
        }
        hazy_error_free(error);
    }

    /// Points the options at the closed port with short timeouts and a single attempt, so that
    /// no call can wait on the network, and no file but a missing one is read.
    unsafe fn make_offline(&mut self) {
        let host = closed_host();
        let settings: [(&CStr, &CStr); 10] = [
            (c"host", host),
            (c"auth_url", c""),
            (c"token_url", c""),
            (c"connect_timeout_ms", c"300"),
            (c"request_timeout_ms", c"300"),
            (c"retry_max_attempts", c"1"),
            (c"retry_max_elapsed_ms", c"0"),
            (c"ca_bundle", c""),
            (c"insecure_skip_tls_verify", c"false"),
            (c"poll_interval_ms", c"10"),
        ];
        for (key, value) in settings {
            assert_eq!(hazy_options_set(self.options, key.as_ptr(), value.as_ptr(), ptr::null_mut()), OK);
        }
    }

    unsafe fn new_client(&mut self, options: *const Options, asked: bool) {
        hazy_free(self.client);
        self.client = ptr::null_mut();
        self.bearer = None;
        self.closed = false;
        let mut client = NonNull::<Client>::dangling().as_ptr();
        let mut error = ptr::null_mut();
        let status = hazy_client_new(options, &mut client, if asked { &mut error } else { ptr::null_mut() });
        self.check("hazy_client_new", status, error, asked);
        if status == OK {
            assert!(!client.is_null() && client != NonNull::dangling().as_ptr());
            self.client = client;
        } else {
            assert_eq!(client, NonNull::dangling().as_ptr(), "client_out written on failure");
        }
    }

    /// A call that returns one job; `networked` calls cannot succeed with no server.
    unsafe fn job_call(
        &self,
        call: &str,
        asked: bool,
        networked: bool,
        f: impl FnOnce(*mut *mut Job, *mut *mut HazyError) -> Status,
    ) {
        let mut job = NonNull::<Job>::dangling().as_ptr();
        let mut error = ptr::null_mut();
        let status = f(&mut job, if asked { &mut error } else { ptr::null_mut() });
        self.check(call, status, error, asked);
        if status == OK {
            assert!(!networked, "{call} succeeded without a server");
            assert!(!job.is_null() && job != NonNull::dangling().as_ptr());
            let _ = (text(hazy_job_id(job), "id"), text(hazy_job_kind(job), "kind"), hazy_job_progress(job));
            hazy_job_free(job);
        } else {
            assert_eq!(job, NonNull::dangling().as_ptr(), "{call}: job_out written on failure");
        }
    }

    unsafe fn run(&mut self, line: &[u8]) {
        let mut fields = line.split(|&b| b == b'\t');
        let op = fields.next().unwrap_or_default();
        let (op, asked) = match op.strip_suffix(b"!") {
            Some(op) => (op, false),
            None => (op, true),
        };
        let raw: Vec<&[u8]> = fields.collect();
        let args: Vec<Arg> = raw.iter().map(|r| Arg::parse(r)).collect();
        let arg = |i: usize| args.get(i).map_or(ptr::null(), Arg::ptr);
        let secret_positions: &[usize] = match op {
            b"set" if args.first().is_some_and(|k| SECRET_KEYS.contains(&k.bytes())) => &[1],
            b"cc" => &[1],
            b"password" => &[1, 3],
            b"bearer" => &[0],
            _ => &[],
        };
        for (i, a) in args.iter().enumerate() {
            if !secret_positions.contains(&i) {
                self.public.push(String::from_utf8_lossy(a.bytes()).into_owned());
            }
        }
        let mut error = ptr::null_mut();
        let e = if asked { &mut error as *mut _ } else { ptr::null_mut() };
        let name = String::from_utf8_lossy(op).into_owned();
        self.submission = None;
        self.on_client = matches!(
            op,
            b"auth" | b"cc" | b"password" | b"bearer" | b"token" | b"token-null-out" | b"train" | b"train-key"
                | b"generate" | b"generate-key" | b"get" | b"cancel" | b"wait" | b"jobs" | b"models"
        );
        match op {
            b"set" => {
                let status = hazy_options_set(self.options, arg(0), arg(1), e);
                self.check(&name, status, error, asked);
            }
            b"set-null-options" => {
                let status = hazy_options_set(ptr::null_mut(), arg(0), arg(1), e);
                self.check(&name, status, error, asked);
                assert_ne!(status, OK);
            }
            b"env" => {
                let status = hazy_options_load_env(self.options, e);
                self.check(&name, status, error, asked);
            }
            b"new" => {
                self.make_offline();
                self.new_client(self.options, asked);
            }
            b"new-env" => self.new_client(ptr::null(), asked),
            b"new-null-out" => {
                let status = hazy_client_new(self.options, ptr::null_mut(), e);
                self.check(&name, status, error, asked);
                assert_ne!(status, OK);
            }
            b"auth" => {
                let status = hazy_authenticate(self.client, e);
                self.check(&name, status, error, asked);
            }
            b"cc" => {
                let status = hazy_authenticate_client_credentials(self.client, arg(0), arg(1), e);
                self.check(&name, status, error, asked);
                assert_ne!(status, OK, "client credentials granted without a server");
                self.bearer = None;
            }
            b"password" => {
                let status = hazy_authenticate_password(self.client, arg(0), arg(1), arg(2), arg(3), e);
                self.check(&name, status, error, asked);
                assert_ne!(status, OK, "a password grant without a server");
                self.bearer = None;
            }
            b"bearer" => {
                let status = hazy_authenticate_bearer(self.client, arg(0), e);
                self.check(&name, status, error, asked);
                if status == OK {
                    self.bearer = Some(args[0].bytes().to_vec());
                }
            }
            b"token" => {
                let mut token = NonNull::<c_char>::dangling().as_ptr();
                let status = hazy_access_token(self.client, &mut token, e);
                self.check(&name, status, error, asked);
                if status == OK {
                    let got = CStr::from_ptr(token).to_bytes().to_vec();
                    if let Some(want) = &self.bearer {
                        assert_eq!(&got, want, "the token read back is not the bearer token set");
                    }
                    hazy_string_free(token);
                } else {
                    assert_eq!(token, NonNull::dangling().as_ptr(), "token_out written on failure");
                }
                let _ = hazy_token_request_count(self.client);
            }
            b"token-null-out" => {
                let status = hazy_access_token(self.client, ptr::null_mut(), e);
                self.check(&name, status, error, asked);
                assert_ne!(status, OK);
            }
            b"train" => {
                self.submission = Some(None);
                self.job_call(&name, asked, true, |out, e| hazy_train(self.client, arg(0), arg(1), out, e))
            }
            b"train-key" => {
                self.submission = Some(args.get(2).and_then(|a| matches!(a, Arg::Text(_)).then(|| a.bytes().to_vec())));
                self.job_call(&name, asked, true, |out, e| hazy_train_with_key(self.client, arg(0), arg(1), arg(2), out, e))
            }
            b"generate" | b"generate-key" => {
                let rows = args.get(2).and_then(|a| std::str::from_utf8(a.bytes()).ok()?.parse().ok()).unwrap_or(0);
                let with_key = op == b"generate-key";
                let given = args.get(4).filter(|a| with_key && matches!(a, Arg::Text(_)));
                self.submission = Some(given.map(|a| a.bytes().to_vec()));
                self.job_call(&name, asked, true, |out, e| match with_key {
                    true => hazy_generate_with_key(self.client, arg(0), arg(1), rows, arg(3), arg(4), out, e),
                    false => hazy_generate(self.client, arg(0), arg(1), rows, arg(3), out, e),
                })
            }
            b"get" => self.job_call(&name, asked, true, |out, e| hazy_job_get(self.client, arg(0), out, e)),
            b"cancel" => self.job_call(&name, asked, true, |out, e| hazy_job_cancel(self.client, arg(0), out, e)),
            b"wait" => {
                // A token cancelled beforehand: the wait returns at once, whatever the server.
                let cancel = hazy_cancel_token_new();
                hazy_cancel_token_cancel(cancel);
                self.job_call(&name, asked, true, |out, e| {
                    hazy_job_wait(self.client, arg(0), 1, None, ptr::null_mut(), cancel, out, e)
                });
                hazy_cancel_token_free(cancel);
            }
            b"jobs" => {
                let mut list = NonNull::<JobList>::dangling().as_ptr();
                let status = hazy_jobs_list(self.client, arg(0), &mut list, e);
                self.check(&name, status, error, asked);
                assert_ne!(status, OK, "a job list without a server");
                assert_eq!(list, NonNull::dangling().as_ptr(), "list_out written on failure");
            }
            b"models" => {
                let mut list = NonNull::<ModelList>::dangling().as_ptr();
                let status = hazy_models_list(self.client, arg(0), &mut list, e);
                self.check(&name, status, error, asked);
                assert_ne!(status, OK, "a model list without a server");
                assert_eq!(list, NonNull::dangling().as_ptr(), "list_out written on failure");
            }
            b"names" => {
                let n = args.first().and_then(|a| std::str::from_utf8(a.bytes()).ok()?.trim().parse::<i32>().ok());
                let n = n.unwrap_or(-1);
                let status = text(hazy_status_name(n), "status name").unwrap();
                assert_eq!(status == "UNKNOWN", !(0..=LAST_STATUS).contains(&n), "{n}: {status}");
                assert!(!text(hazy_state_name(n), "state name").unwrap().is_empty());
            }
            b"getters-null" => {
                // The documented NULL behaviour of every getter and free.
                assert_eq!(text(hazy_error_message(ptr::null()), "message"), Some(""));
                assert_ne!(hazy_error_status(ptr::null()), OK);
                assert!(hazy_error_oauth_error(ptr::null()).is_null() && hazy_error_field(ptr::null()).is_null());
                assert_eq!(text(hazy_job_id(ptr::null()), "id"), Some(""));
                assert!(hazy_job_model_id(ptr::null()).is_null());
                assert!(hazy_job_output_location(ptr::null()).is_null());
                assert_eq!(hazy_job_list_len(ptr::null()), 0);
                assert!(hazy_job_list_get(ptr::null(), 0).is_null());
                assert_eq!(hazy_model_list_len(ptr::null()), 0);
                assert_eq!(hazy_token_request_count(ptr::null()), 0);
                hazy_error_free(ptr::null_mut());
                hazy_job_free(ptr::null_mut());
                hazy_job_list_free(ptr::null_mut());
                hazy_model_list_free(ptr::null_mut());
                hazy_string_free(ptr::null_mut());
                hazy_cancel_token_cancel(ptr::null());
                hazy_cancel_token_free(ptr::null_mut());
                hazy_options_free(ptr::null_mut());
                hazy_free(ptr::null_mut());
                assert!(text(hazy_version(), "version").is_some_and(|v| !v.is_empty()));
            }
            b"close" => {
                // Idempotent, and the handle stays valid until hazy_free.
                hazy_client_close(self.client);
                self.closed = !self.client.is_null();
            }
            b"free" => {
                hazy_free(self.client);
                self.client = ptr::null_mut();
                self.bearer = None;
            }
            _ => {}
        }
    }
}

/// A PEM file holding the first certificate of the system's bundle, and an empty directory.
fn one_root_store() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let bundle = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())?;
    let (begin, end) = ("-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----");
    let first = &bundle[bundle.find(begin)?..bundle.find(end)? + end.len()];
    let dir = std::env::temp_dir().join("hazy-fuzz-roots");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).ok()?;
    // Written aside and renamed, so that runs at the same time share one complete file.
    let (file, part) = (dir.join("one-root.pem"), dir.join(format!("one-root.pem.{}", std::process::id())));
    std::fs::write(&part, format!("{first}\n")).ok()?;
    std::fs::rename(&part, &file).ok()?;
    Some((file, empty))
}

fuzz_target!(
    init: {
        hazy_fuzz::self_check();
        // Nothing from the caller's environment may steer the clients: no settings, no proxy.
        for (key, _) in std::env::vars_os() {
            let key_text = key.to_string_lossy().to_ascii_uppercase();
            if key_text.starts_with("HAZY_") || key_text.ends_with("_PROXY") {
                std::env::remove_var(&key);
            }
        }
        // Creating a client loads the system's root certificates (about 100 ms for ~300 of
        // them under ASan), which no call here can use: every client speaks plain HTTP to a
        // closed port. A store of one root makes an input about ten times cheaper.
        if let Some((file, dir)) = one_root_store() {
            std::env::set_var("SSL_CERT_FILE", file);
            std::env::set_var("SSL_CERT_DIR", dir);
        }
        // ...and a client can still be created, or every input would test nothing.
        let mut script = Script::new();
        unsafe {
            script.run(b"new");
            assert!(!script.client.is_null(), "no offline client could be created");
            script.free();
        }
    },
    |data: &[u8]| {
        let mut script = Script::new();
        // Bounded work per input: a few dozen calls, each at most one refused connection.
        for line in data.split(|&b| b == b'\n').take(64) {
            unsafe { script.run(line) };
        }
        unsafe { script.free() };
    }
);
