//! Canary secrets against servers that echo the request back inside their error answers, at
//! every length around each cut-off the library applies (100 characters for a code, 300 for
//! a description, 2,048 for a message). No canary may survive anywhere a caller can read it:
//! not literally, not in any encoding libhazy sent it in, and not as a prefix of 6 or more
//! characters.
//!
//! Every test also runs with logging at its most detailed: a capturing sink on each client and
//! `HAZY_LOG=trace` with `HAZY_LOG_FILE`, and the same rule holds for every log record.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use base64::Engine;
use common::ManualClock;
use hazy::auth::Credentials;
use hazy::runtime::block_on;
use hazy::{Client, Config, Error, LogLevel, Record, Sink};

// Each canary starts differently, so a 6-character prefix found says which one leaked.
const SECRET: &str = "SecCan-7f3a+/=&x9-CANARY";
const PASSWORD: &str = "PwdCan-91bd+/ =&q-CANARY";
const ACCESS: &str = "AccCan-5e0c.eyJzdWIiOiJ4In0.c2ln";
const REFRESH: &str = "RefCan-c4d2.eyJ0eXAiOiJSZWZyZXNoIn0.c2ln";
const BEARER: &str = "BeaCan-88aa.eyJhdWQiOiJodWIifQ.c2ln";

/// Where the echo goes and how much padding precedes it.
#[derive(Clone, Copy)]
struct Plan {
    status: u16,
    pad: usize,
    /// Answer password grants with tokens instead of an echo (to get a refresh token).
    grant_tokens: bool,
}

type Shared = Arc<Mutex<Plan>>;

/// The body of the last request that carried a client assertion: the private_key_jwt test reads
/// the assertion the library sent from it. Only that test sends assertions, so the other tests'
/// servers, in parallel threads, never write here.
static LAST_ASSERTION_BODY: Mutex<String> = Mutex::new(String::new());

fn echo_text(method: &Method, uri: &Uri, headers: &HeaderMap, body: &str, pad: usize) -> String {
    let mut text = "p".repeat(pad);
    text.push_str(&format!("{method} {uri} HTTP/1.1 "));
    for (name, value) in headers {
        text.push_str(&format!("{name}: {} ", value.to_str().unwrap_or("")));
    }
    text.push_str(body);
    text
}

async fn answer(axum::extract::State(plan): axum::extract::State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: String) -> Response {
    let plan = *plan.lock().unwrap();
    if body.contains("client_assertion=") {
        *LAST_ASSERTION_BODY.lock().unwrap() = body.clone();
    }
    if uri.path() == "/token" && plan.grant_tokens && body.contains("grant_type=password") {
        let tokens = format!(
            r#"{{"access_token":"{ACCESS}","refresh_token":"{REFRESH}","token_type":"Bearer","expires_in":60,"refresh_expires_in":600}}"#
        );
        return ([("content-type", "application/json")], tokens).into_response();
    }
    let echo = echo_text(&method, &uri, &headers, &body, plan.pad);
    let json = serde_json::json!({
        "error": echo, "error_description": echo,
        "code": echo, "detail": echo, "title": echo, "field": echo, "required_scope": echo,
    });
    let mut response = (StatusCode::from_u16(plan.status).unwrap(), [("content-type", "application/json")], json.to_string()).into_response();
    let challenge = format!(r#"Bearer error="invalid_token", error_description="{}""#, echo.replace('"', "'"));
    if let Ok(value) = challenge.parse() {
        response.headers_mut().insert("www-authenticate", value);
    }
    response
}

fn serve_echo(plan: Shared) -> String {
    common::serve_router(Router::new().route("/{*rest}", any(answer)).with_state(plan), common::small_runtime())
}

/// Every form in which a canary could come back.
fn forms(canary: &str, client_id: &str) -> Vec<String> {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let form = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    vec![
        canary.to_owned(),
        form(canary),
        form(canary).to_lowercase(),
        utf8_percent_encode(canary, NON_ALPHANUMERIC).to_string(),
        b64(format!("{client_id}:{canary}")),
        b64(format!("{}:{}", form(client_id), form(canary))),
    ]
}

/// Counts canaries found in `text`, whole or as a prefix of at least 6 characters of any
/// form (a prefix is what a cut before redaction leaves behind).
fn leaks(text: &str, client_id: &str) -> Vec<String> {
    let mut found = Vec::new();
    for canary in [SECRET, PASSWORD, ACCESS, REFRESH, BEARER] {
        for form in forms(canary, client_id) {
            // "text holds the first n characters" only gets rarer as n grows, so the longest
            // leaked prefix is found by bisection (the forms are ASCII).
            let holds = |n: usize| text.contains(&form[..n]);
            if form.len() < 6 || !holds(6) {
                continue;
            }
            let (mut lo, mut hi) = (6, form.len());
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if holds(mid) { lo = mid } else { hi = mid - 1 }
            }
            found.push(form[..lo].to_owned());
        }
    }
    found
}

/// Everything of an error that a caller can read, through Rust and through the C API.
fn readable(e: &Error) -> String {
    format!(
        "{e} | {e:?} | {} | {:?} | {:?} | {:?} | {:?}",
        e.message(),
        e.oauth_error(),
        e.oauth_description(),
        e.field(),
        e.request_id()
    )
}

/// Every record of every client, as text and as Debug.
static LOGGED: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;
impl Sink for Capture {
    fn level(&self) -> LogLevel {
        LogLevel::Trace
    }
    fn write(&self, record: &Record) {
        let line = hazy::logging::format_line(record, std::time::SystemTime::now());
        LOGGED.lock().unwrap().push(format!("{line} | {record:?}"));
    }
}

/// The file `HAZY_LOG_FILE` names for this process, set before the first client is made.
fn log_file() -> &'static std::path::Path {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("hazy-canary-log-{}.txt", std::process::id()));
        std::env::set_var("HAZY_LOG", "trace");
        std::env::set_var("HAZY_LOG_FILE", &path);
        path
    })
}

/// No canary in any record logged so far, through the sink or the file; returns how many
/// records were checked.
fn assert_logs_clean(client_id: &str) -> usize {
    let records = LOGGED.lock().unwrap().clone();
    let file = std::fs::read_to_string(log_file()).unwrap_or_default();
    assert!(!records.is_empty() && !file.is_empty(), "nothing was logged: the check would prove nothing");
    for text in records.iter().map(String::as_str).chain(file.lines()) {
        let found = leaks(text, client_id);
        assert!(found.is_empty(), "{found:?} in the log line {text}");
    }
    records.len()
}

fn config(base: &str, client_id: &str, auth: &str) -> Config {
    log_file();
    let mut c = Config::default();
    c.log_sinks.push(Arc::new(Capture));
    c.set("host", base).unwrap();
    c.set("token_url", &format!("{base}/token")).unwrap();
    c.set("client_id", client_id).unwrap();
    c.set("client_secret", SECRET).unwrap();
    c.set("client_auth", auth).unwrap();
    c.set("retry_max_attempts", "1").unwrap();
    c
}

/// Pads that put each canary's start just before, on and after every cut-off, whatever the
/// length of the echoed request line and headers before it.
/// A grant of `client` against every echoed refusal (400, 401, 500) at every padding: `leaked`
/// names what it finds of the canaries in the error's text. Returns how many errors it read.
fn echo_every_answer(client: &Client, plan: &Shared, label: &str, leaked: impl Fn(&str) -> Vec<String>) -> usize {
    let mut tried = 0;
    for status in [400, 401, 500] {
        for pad in pads() {
            *plan.lock().unwrap() = Plan { status, pad, grant_tokens: false };
            let e = block_on(client.authenticate(None)).unwrap().unwrap_err();
            tried += 1;
            let text = readable(&e);
            assert!(leaked(&text).is_empty(), "{label} {status} pad {pad}: {text}");
        }
    }
    tried
}

fn pads() -> Vec<usize> {
    let mut pads: Vec<usize> = (0..=320).step_by(20).collect();
    pads.extend([0, 1, 2, 50, 90, 95, 99, 100, 101, 250, 280, 290, 295, 299, 300, 301, 310]);
    pads
}

#[test]
fn token_endpoint_echoes_never_leak_a_secret_in_any_form() {
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: false }));
    let base = serve_echo(plan.clone());
    let mut tried = 0;
    // A long client id pushes the description to the 2,048-character message cap.
    let long_id = format!("api-{}", "i".repeat(1900));
    for client_id in ["api", long_id.as_str()] {
        for auth in ["post", "basic"] {
            // One client serves every echo: a failed grant leaves nothing cached behind.
            let client = Client::new(config(&base, client_id, auth)).unwrap();
            for status in [400, 401, 404, 500, 200] {
                for pad in pads() {
                    *plan.lock().unwrap() = Plan { status, pad, grant_tokens: false };
                    let password = Credentials::Password {
                        client_id: client_id.to_owned(),
                        client_secret: Some(SECRET.to_owned().into()),
                        username: "ana".to_owned(),
                        password: PASSWORD.to_owned().into(),
                    };
                    for credentials in [None, Some(password)] {
                        let e = block_on(client.authenticate(credentials)).unwrap().unwrap_err();
                        tried += 1;
                        let text = readable(&e);
                        let found = leaks(&text, client_id);
                        assert!(found.is_empty(), "{auth} {status} pad {pad}: {found:?} in {text}");
                    }
                }
            }
        }
    }
    assert!(tried > 1000, "{tried}");
    let logged = assert_logs_clean("api") + assert_logs_clean(&long_id);
    println!("token endpoint: {tried} echoed errors, 0 canaries found (and none in {logged} log records)");
}

/// The same echoes with the client secret and the password read from files (one others can
/// read, so the permissions warning is logged too), and the file options' own error paths: a
/// missing file, and a secret set both ways.
#[test]
fn secret_file_contents_never_leak() {
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: false }));
    let base = serve_echo(plan.clone());
    let dir = std::env::temp_dir().join(format!("hazy-canary-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret_file = dir.join("client-secret");
    let password_file = dir.join("password");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    std::fs::write(&password_file, format!("{PASSWORD}\r\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let files = |auth: &str| {
        let mut c = config(&base, "api", auth);
        c.set("client_secret", "").unwrap();
        c.set("client_secret_file", secret_file.to_str().unwrap()).unwrap();
        c.set("username", "ana").unwrap();
        c.set("password_file", password_file.to_str().unwrap()).unwrap();
        c
    };
    let mut tried = 0;
    for auth in ["post", "basic"] {
        let client = Client::new(files(auth)).unwrap();
        tried += echo_every_answer(&client, &plan, auth, |text| leaks(text, "api"));
    }
    // A file gone at grant time: its path is named, no content.
    let client = Client::new(files("post")).unwrap();
    std::fs::rename(&password_file, dir.join("moved")).unwrap();
    let e = block_on(client.authenticate(None)).unwrap().unwrap_err();
    assert!(e.message().contains("password_file"), "{}", e.message());
    assert!(leaks(&readable(&e), "api").is_empty(), "{}", readable(&e));
    // A secret given both ways.
    let mut both = files("post");
    both.set("client_secret", SECRET).unwrap();
    let e = Client::new(both).err().expect("a secret and its file together are refused");
    assert!(leaks(&readable(&e), "api").is_empty(), "{}", readable(&e));
    let _ = std::fs::remove_dir_all(&dir);
    let logged = assert_logs_clean("api");
    println!("secret files: {tried} echoed errors and 2 file errors, 0 canaries found (and none in {logged} log records)");
}

/// The same echoes with the client secret printed by a credential_command, and the command's
/// own error paths (non-zero exit, bad JSON, timeout), each with the secret on its stdout and
/// stderr: 0 occurrences in messages, fields and log records.
#[cfg(unix)]
#[test]
fn credential_command_output_never_leaks() {
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: false }));
    let base = serve_echo(plan.clone());
    let dir = std::env::temp_dir().join(format!("hazy-canary-command-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let with_command = |auth: &str, name: &str, body: &str, timeout_ms: &str| {
        let script = dir.join(name);
        std::fs::write(&script, format!("#!/bin/sh\necho '{SECRET}' >&2\n{body}\n")).unwrap();
        let mut c = config(&base, "api", auth);
        c.set("client_secret", "").unwrap();
        c.set("credential_command", &format!("/bin/sh '{}'", script.display())).unwrap();
        c.set("credential_command_timeout_ms", timeout_ms).unwrap();
        c
    };
    let good = format!(r#"printf '{{"client_secret": "%s"}}' '{SECRET}'"#);
    let mut tried = 0;
    for auth in ["post", "basic"] {
        let client = Client::new(with_command(auth, "good.sh", &good, "10000")).unwrap();
        tried += echo_every_answer(&client, &plan, auth, |text| leaks(text, "api"));
    }
    let failures = [
        ("exit.sh", format!(r#"printf '{{"client_secret": "%s"}}' '{SECRET}'; exit 1"#), hazy::Status::Auth),
        ("json.sh", format!(r#"printf '{{"client_secret": "%s"' '{SECRET}'"#), hazy::Status::InvalidArgument),
        ("neither.sh", format!(r#"printf '{{"secret": "%s"}}' '{SECRET}'"#), hazy::Status::InvalidArgument),
        ("slow.sh", format!(r#"printf '{{"client_secret": "%s"}}' '{SECRET}'; exec sleep 30"#), hazy::Status::Timeout),
    ];
    for (name, body, status) in &failures {
        let client = Client::new(with_command("post", name, body, "500")).unwrap();
        let e = block_on(client.authenticate(None)).unwrap().unwrap_err();
        assert_eq!(e.status(), *status, "{name}: {}", e.message());
        assert!(e.message().contains("credential_command"), "{}", e.message());
        assert!(leaks(&readable(&e), "api").is_empty(), "{name}: {}", readable(&e));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let logged = assert_logs_clean("api");
    println!("credential command: {tried} echoed errors and {} command failures, 0 canaries found (and none in {logged} log records)", failures.len());
}

#[test]
fn refresh_token_echoes_never_leak() {
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: true }));
    let base = serve_echo(plan.clone());
    for pad in pads() {
        *plan.lock().unwrap() = Plan { status: 400, pad, grant_tokens: true };
        let clock = Arc::new(ManualClock::new());
        let mut c = config(&base, "api", "post");
        c.set("username", "ana").unwrap();
        c.set("password", PASSWORD).unwrap();
        let client = Client::with_clock(c, clock.clone()).unwrap();
        block_on(client.authenticate(None)).unwrap().unwrap();
        // Past expiry: the refresh grant goes out, its echo comes back, then the password
        // grant's fallback is not tried (not invalid_grant) and the echo is reported.
        clock.advance(std::time::Duration::from_secs(120));
        *plan.lock().unwrap() = Plan { status: 400, pad, grant_tokens: false };
        let e = block_on(client.access_token()).unwrap().unwrap_err();
        let text = readable(&e);
        assert!(leaks(&text, "api").is_empty(), "pad {pad}: {text}");
    }
    assert_logs_clean("api");
}

#[test]
fn hub_echoes_never_leak_the_token() {
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: false }));
    let base = serve_echo(plan.clone());
    let mut tried = 0;
    let mut c = config(&base, "api", "post");
    c.set("access_token", BEARER).unwrap();
    let client = Client::new(c).unwrap();
    for status in [400, 401, 403, 404, 409, 418, 422, 500] {
        for pad in pads() {
            *plan.lock().unwrap() = Plan { status, pad, grant_tokens: false };
            let config = r#"{"data_schema":{"tables":[{"name":"t"}]},"data_input":[{"name":"t","location":"s3://b/t.csv"}]}"#;
            let errors = [
                block_on(client.train("p1", config)).unwrap().unwrap_err(),
                block_on(client.job("j1")).unwrap().unwrap_err(),
                block_on(client.list_models("p1")).unwrap().unwrap_err(),
            ];
            for e in errors {
                tried += 1;
                let text = readable(&e);
                let found = leaks(&text, "api");
                assert!(found.is_empty(), "{status} pad {pad}: {found:?} in {text}");
            }
        }
    }
    let logged = assert_logs_clean("api");
    println!("hub: {tried} echoed errors, 0 canaries found (and none in {logged} log records)");
}

/// A P-256 key made at test time, as a PKCS#8 PEM file; returns its path and its PEM text.
fn ec_key_file(name: &str) -> (String, String) {
    use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &ring::rand::SystemRandom::new()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref());
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n");
    let path = std::env::temp_dir().join(format!("hazy-canary-{name}-{}.pem", std::process::id()));
    std::fs::write(&path, &pem).unwrap();
    (path.to_string_lossy().into_owned(), b64)
}

#[test]
fn private_key_jwt_echoes_never_leak_the_assertion_or_the_key() {
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: false }));
    let base = serve_echo(plan.clone());
    let (key_path, key_b64) = ec_key_file("echo");
    let mut c = config(&base, "jwt-client", "private_key_jwt");
    c.set("client_secret", "").unwrap();
    c.set("client_private_key", &key_path).unwrap();
    let shown = format!("{c:?}");
    let client = Client::new(c).unwrap();
    let mut tried = 0;
    let mut assertions = std::collections::HashSet::new();
    for status in [400, 401, 404, 500, 200] {
        for pad in pads() {
            *plan.lock().unwrap() = Plan { status, pad, grant_tokens: false };
            let e = block_on(client.authenticate(None)).unwrap().unwrap_err();
            tried += 1;
            let body = LAST_ASSERTION_BODY.lock().unwrap().clone();
            let sent = form_urlencoded::parse(body.as_bytes())
                .find(|(k, _)| k == "client_assertion")
                .map(|(_, v)| v.into_owned())
                .expect("a private_key_jwt request carries client_assertion");
            assert!(assertions.insert(sent.clone()), "an assertion was sent twice");
            let text = readable(&e);
            // The signature is what makes an assertion usable; the whole is checked in every
            // form it was sent in, down to prefixes of 6 characters after its fixed header.
            let signature = sent.rsplit('.').next().unwrap();
            assert!(!text.contains(&signature[..12]), "{status} pad {pad}: signature in {text}");
            let header_len = sent.find('.').unwrap();
            for form in [sent.clone(), form_urlencoded::byte_serialize(sent.as_bytes()).collect()] {
                assert!(!text.contains(&form[..header_len + 7]), "{status} pad {pad}: assertion in {text}");
            }
            for piece in key_b64.as_bytes().chunks(16) {
                assert!(!text.contains(std::str::from_utf8(piece).unwrap()), "key bytes in {text}");
            }
        }
    }
    for piece in key_b64.as_bytes().chunks(16) {
        assert!(!shown.contains(std::str::from_utf8(piece).unwrap()), "key bytes in Debug: {shown}");
    }
    std::fs::remove_file(key_path).ok();
    for line in LOGGED.lock().unwrap().iter() {
        for piece in key_b64.as_bytes().chunks(16) {
            assert!(!line.contains(std::str::from_utf8(piece).unwrap()), "key bytes in the log: {line}");
        }
        for assertion in &assertions {
            let signature = assertion.rsplit('.').next().unwrap();
            assert!(!line.contains(&signature[..12]), "an assertion's signature in the log: {line}");
        }
    }
    assert_logs_clean("jwt-client");
    println!("private_key_jwt: {tried} echoed errors, {} distinct assertions, 0 leaks", assertions.len());
}

/// The passphrase of an encrypted client_private_key, right and wrong, never appears: not in
/// the errors of servers that echo the request, not in a wrong-passphrase error (at client
/// creation, or at a grant after the passphrase file changed), not in Debug, not in the log.
#[test]
fn private_key_passphrases_never_leak() {
    const RIGHT: &str = "PasCan-3b7e+/=&k-CANARY";
    const WRONG: &str = "PwrCan-d05f+/=&m-CANARY";
    let found = |text: &str| -> Vec<String> {
        let mut found = Vec::new();
        for canary in [RIGHT, WRONG] {
            for form in forms(canary, "jwt-client") {
                if text.contains(&form[..6.min(form.len())]) {
                    found.push(form);
                }
            }
        }
        found
    };
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: false }));
    let base = serve_echo(plan.clone());
    let dir = std::env::temp_dir().join(format!("hazy-canary-passphrase-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (plain, _) = ec_key_file("passphrase");
    let key = dir.join("key.p8");
    let pass = dir.join("pass");
    std::fs::write(&pass, format!("{RIGHT}\n")).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", &plain, "-passout"])
        .arg(format!("file:{}", pass.display()))
        .arg("-out")
        .arg(&key)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_file(plain).ok();
    let configured = |passphrase_file: &std::path::Path| {
        let mut c = config(&base, "jwt-client", "private_key_jwt");
        c.set("client_secret", "").unwrap();
        c.set("client_private_key", key.to_str().unwrap()).unwrap();
        c.set("client_private_key_passphrase_file", passphrase_file.to_str().unwrap()).unwrap();
        c
    };
    // A wrong passphrase at client creation.
    let wrong = dir.join("wrong");
    std::fs::write(&wrong, format!("{WRONG}\n")).unwrap();
    let e = Client::new(configured(&wrong)).err().expect("a wrong passphrase is refused");
    assert_eq!(e.status(), hazy::Status::InvalidArgument);
    let text = readable(&e);
    assert!(text.contains(key.to_str().unwrap()) && found(&text).is_empty(), "{text}");
    // Echoing servers, with the right one.
    let c = configured(&pass);
    let shown = format!("{c:?}");
    let client = Client::new(c).unwrap();
    let tried = echo_every_answer(&client, &plan, "passphrase", |text| found(text));
    // The passphrase file rewritten with a wrong passphrase: the next grant fails, naming the path.
    std::fs::write(&pass, format!("{WRONG}\n")).unwrap();
    let e = block_on(client.authenticate(None)).unwrap().unwrap_err();
    assert_eq!(e.status(), hazy::Status::InvalidArgument);
    let text = readable(&e);
    assert!(text.contains(key.to_str().unwrap()) && found(&text).is_empty(), "{text}");
    assert!(found(&shown).is_empty(), "{shown}");
    let records = LOGGED.lock().unwrap().clone();
    let file = std::fs::read_to_string(log_file()).unwrap_or_default();
    for line in records.iter().map(String::as_str).chain(file.lines()) {
        assert!(found(line).is_empty(), "a passphrase in the log: {line}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("private key passphrases: {tried} echoed errors and 2 wrong-passphrase errors, 0 canaries found");
}

/// A hostile proxy: it answers every request, CONNECT or absolute-form, with `plan`'s status
/// and the request's head echoed, `Proxy-Authorization` included, in its body and in a
/// `Proxy-Authenticate` challenge. Returns its URL.
fn serve_hostile_proxy(plan: Shared) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let plan = *plan.lock().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 65536 {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let echo = format!("{}{}", "p".repeat(plan.pad), String::from_utf8_lossy(&head).replace("\r\n", " "));
            let reason = if plan.status == 407 { "Proxy Authentication Required" } else { "Echo" };
            let challenge = format!("Basic realm=\"{}\"", echo.replace('"', "'"));
            let response = format!(
                "HTTP/1.1 {} {reason}\r\nProxy-Authenticate: {challenge}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                plan.status,
                serde_json::json!({"error": echo, "error_description": echo, "detail": echo}).to_string().len(),
                serde_json::json!({"error": echo, "error_description": echo, "detail": echo})
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

/// The proxy password (option proxy_password_file) against a proxy that echoes the
/// Proxy-Authorization it got, through CONNECT (an https:// Keycloak) and absolute-form
/// requests (an http:// one), at every padding: 0 occurrences of the password, alone or inside
/// the Basic credentials it was sent as, in errors and log records.
#[test]
fn a_hostile_proxy_echoing_proxy_authorization_never_leaks_the_proxy_password() {
    const PROXY_PASSWORD: &str = "PrxCan-6a1f+/=&z-CANARY";
    const USER: &str = "proxyuser";
    let found = |text: &str| -> Vec<String> {
        let mut found = Vec::new();
        for form in forms(PROXY_PASSWORD, USER) {
            if text.contains(&form[..6.min(form.len())]) {
                found.push(form);
            }
        }
        found
    };
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 407, pad: 0, grant_tokens: false }));
    let proxy = serve_hostile_proxy(plan.clone());
    let dir = std::env::temp_dir().join(format!("hazy-canary-proxy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let password_file = dir.join("proxy-password");
    std::fs::write(&password_file, format!("{PROXY_PASSWORD}\n")).unwrap();
    let (mut tried, mut echoed) = (0, 0);
    let mut statuses = std::collections::BTreeSet::new();
    // The .invalid hosts are never resolved: every request goes to the proxy.
    for base in ["https://keycloak.invalid", "http://keycloak.invalid"] {
        let mut c = config(base, "api", "post");
        c.set("proxy", &proxy).unwrap();
        c.set("proxy_username", USER).unwrap();
        c.set("proxy_password_file", password_file.to_str().unwrap()).unwrap();
        let shown = format!("{c:?}");
        assert!(found(&shown).is_empty(), "{shown}");
        let client = Client::new(c).unwrap();
        for status in [407, 403, 502, 400] {
            for pad in pads() {
                *plan.lock().unwrap() = Plan { status, pad, grant_tokens: false };
                let e = block_on(client.authenticate(None)).unwrap().unwrap_err();
                tried += 1;
                statuses.insert(format!("{:?}", e.status()));
                let text = readable(&e);
                assert!(found(&text).is_empty(), "{base} {status} pad {pad}: {:?} in {text}", found(&text));
                echoed += usize::from(text.to_ascii_lowercase().contains("proxy-authorization"));
            }
        }
    }
    assert!(statuses.contains("ProxyAuth"), "the proxy's 407 was never reported as PROXY_AUTH: {statuses:?}");
    // Without echoes that reach the caller, the check above would prove nothing.
    assert!(echoed > 0, "no error carried the echoed Proxy-Authorization header");
    let records = LOGGED.lock().unwrap().clone();
    let file = std::fs::read_to_string(log_file()).unwrap_or_default();
    assert!(!records.is_empty(), "nothing was logged: the check would prove nothing");
    for line in records.iter().map(String::as_str).chain(file.lines()) {
        assert!(found(line).is_empty(), "the proxy password in the log: {line}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("hostile proxy: {tried} errors ({statuses:?}), {echoed} carrying the echoed header, 0 canaries found");
}

/// A directory only this user can use, as the token cache requires.
#[cfg(unix)]
fn private_dir(name: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("hazy-canary-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

/// The token cache (option token_cache). The file written after a password grant holds its
/// tokens and no form of the client secret or the password. Every error path of the cache
/// leaks no canary into errors or log records: a damaged file full of canaries, a file others
/// can read, a lock held past the wait, a missing directory, echoed refusals of grants with
/// the cache in use, and echoed refusals of the revocation that `logout` sends with the cached
/// refresh token.
#[cfg(unix)]
#[test]
fn token_cache_files_and_errors_hold_no_secret() {
    let plan: Shared = Arc::new(Mutex::new(Plan { status: 400, pad: 0, grant_tokens: true }));
    let base = serve_echo(plan.clone());
    let dir = private_dir("token-cache");
    let path = dir.join("tokens.json");
    let cached = |auth: &str, user: bool| {
        let mut c = config(&base, "api", auth);
        c.set("token_cache", path.to_str().unwrap()).unwrap();
        if user {
            c.set("username", "ana").unwrap();
            c.set("password", PASSWORD).unwrap();
        }
        c
    };
    let secret_leaks = |text: &str| -> Vec<String> {
        [SECRET, PASSWORD]
            .iter()
            .flat_map(|canary| forms(canary, "api"))
            .filter(|form| text.contains(&form[..6]))
            .collect()
    };
    // The file after a password grant: the tokens, so that the scan proves something, and no secret.
    let client = Client::new(cached("post", true)).unwrap();
    block_on(client.authenticate(None)).unwrap().unwrap();
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(file.contains(ACCESS) && file.contains(REFRESH), "the cache holds no tokens: the scan would prove nothing");
    assert!(secret_leaks(&file).is_empty(), "{:?} in the cache file", secret_leaks(&file));
    // Logout: the revocation carries the cached refresh token; the server echoes it back.
    let mut tried = 0;
    for pad in pads() {
        *plan.lock().unwrap() = Plan { status: 400, pad, grant_tokens: false };
        let e = block_on(client.logout()).unwrap().unwrap_err();
        assert!(e.message().contains("token revocation"), "{}", e.message());
        tried += 1;
        assert!(leaks(&readable(&e), "api").is_empty(), "logout pad {pad}: {}", readable(&e));
    }
    // Grants with the cache in use (client credentials: no entry of theirs in the file).
    for auth in ["post", "basic"] {
        tried += echo_every_answer(&Client::new(cached(auth, false)).unwrap(), &plan, auth, |text| leaks(text, "api"));
    }
    // A damaged file full of canaries.
    std::fs::write(&path, format!("{{\"format\":\"libhazy-token-cache\",\"version\":1,\"entries\":[{{\"access_token\":\"{ACCESS}\",\"client_secret\":\"{SECRET}\",\"password\":\"{PASSWORD}\"")).unwrap();
    let e = block_on(Client::new(cached("post", false)).unwrap().authenticate(None)).unwrap().unwrap_err();
    assert!(leaks(&readable(&e), "api").is_empty(), "{}", readable(&e));
    // A file others can read, holding tokens.
    *plan.lock().unwrap() = Plan { status: 400, pad: 0, grant_tokens: true };
    block_on(Client::new(cached("post", true)).unwrap().authenticate(None)).unwrap().unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    *plan.lock().unwrap() = Plan { status: 401, pad: 0, grant_tokens: false };
    let e = block_on(Client::new(cached("post", true)).unwrap().authenticate(None)).unwrap().unwrap_err();
    assert!(leaks(&readable(&e), "api").is_empty(), "{}", readable(&e));
    std::fs::remove_file(&path).unwrap();
    // A lock held past the wait: a client whose token endpoint never answers holds it.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut holder = cached("post", false);
    holder.set("token_url", &format!("http://{}/token", silent.local_addr().unwrap())).unwrap();
    holder.set("request_timeout_ms", "3000").unwrap();
    let holder = std::thread::spawn(move || block_on(Client::new(holder).unwrap().authenticate(None)).unwrap().is_err());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let _accepted = silent.accept().unwrap();
    assert!(std::time::Instant::now() < deadline);
    let mut waiter = cached("post", false);
    waiter.set("request_timeout_ms", "300").unwrap();
    let e = block_on(Client::new(waiter).unwrap().authenticate(None)).unwrap().unwrap_err();
    assert!(leaks(&readable(&e), "api").is_empty(), "{}", readable(&e));
    assert!(holder.join().unwrap(), "the holder's token request should have timed out");
    // A directory that does not exist.
    let mut missing = cached("post", true);
    missing.set("token_cache", dir.join("gone/tokens.json").to_str().unwrap()).unwrap();
    let e = Client::new(missing).err().expect("a missing directory is refused");
    assert!(e.message().contains("token_cache") && leaks(&readable(&e), "api").is_empty(), "{}", readable(&e));
    let records = LOGGED.lock().unwrap().clone();
    for event in ["token_cache.damaged", "token_cache.refused", "token_cache.lock_timeout"] {
        assert!(records.iter().any(|r| r.contains(event)), "the path of {event} was not taken");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let logged = assert_logs_clean("api");
    println!("token cache: {tried} echoed errors and 4 cache failures, 0 canaries found (and none in {logged} log records)");
}
