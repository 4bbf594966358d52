//! The token lifecycle against in-process servers: expiry and margin on a manual clock,
//! single-flight under 64 threads, refresh-token fallback, 401 replay, retries, and the
//! mapping of Keycloak's error answers: the library's internal logic. The statuses a C caller
//! sees from the real Keycloak and Hub are tested through the C ABI (tests/SCENARIOS.md names
//! the one owner of each behaviour).

mod common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::{serve, serve_raw, HubServer, TokenServer};
use common::ManualClock;
use hazy::auth::Credentials;
use hazy::runtime::block_on;
use hazy::{Client, Config, Status};
use secrecy::ExposeSecret;

const SECRET: &str = "client-secret-that-must-not-leak";

fn config(base: &str) -> Config {
    let mut c = Config::default();
    c.set("host", base).unwrap();
    c.set("token_url", &format!("{base}/token")).unwrap();
    c.set("client_id", "api").unwrap();
    c.set("client_secret", SECRET).unwrap();
    c.set("retry_base_delay_ms", "1").unwrap();
    c
}

fn token(client: &Client) -> hazy::Result<String> {
    block_on(client.access_token()).unwrap().map(|t| t.expose_secret().to_owned())
}

/// A client on a manual clock, against a token server issuing tokens that live `lifetime_s`.
fn clocked_client(lifetime_s: u64, margin_s: Option<&str>) -> (Arc<TokenServer>, Arc<ManualClock>, Client) {
    let server = TokenServer::new(lifetime_s);
    let base = serve(server.clone(), None);
    let clock = Arc::new(ManualClock::new());
    let mut c = config(&base);
    if let Some(margin) = margin_s {
        c.set("token_refresh_margin_s", margin).unwrap();
    }
    let client = Client::with_clock(c, clock.clone()).unwrap();
    (server, clock, client)
}

#[test]
fn tokens_are_reused_until_the_margin_then_refreshed() {
    let (server, clock, client) = clocked_client(60, Some("10"));

    assert_eq!(token(&client).unwrap(), "token-1");
    clock.advance(Duration::from_secs(49));
    assert_eq!(token(&client).unwrap(), "token-1", "49 s into 60 s, margin 10 s: still fresh");
    assert_eq!(server.count(), 1);
    clock.advance(Duration::from_secs(2));
    assert_eq!(token(&client).unwrap(), "token-2", "51 s: inside the margin, refreshed");
    assert_eq!(server.count(), 2);
    clock.advance(Duration::from_secs(120));
    assert_eq!(token(&client).unwrap(), "token-3", "long expired: fetched anew");
    assert_eq!(client.token_requests(), 3);
}

#[test]
fn a_margin_longer_than_the_lifetime_is_capped_at_half_of_it() {
    let (server, clock, client) = clocked_client(5, None); // default margin: 30 s
    assert_eq!(token(&client).unwrap(), "token-1");
    clock.advance(Duration::from_millis(2400));
    assert_eq!(token(&client).unwrap(), "token-1");
    clock.advance(Duration::from_millis(200));
    assert_eq!(token(&client).unwrap(), "token-2");
    assert_eq!(server.count(), 2);
}

#[test]
fn sixty_four_threads_and_an_expired_token_make_one_request() {
    let (server, clock, client) = clocked_client(60, None);
    assert_eq!(token(&client).unwrap(), "token-1");
    clock.advance(Duration::from_secs(61));
    // Slow answers make sure the threads really overlap.
    server.delay_ms.store(300, Ordering::SeqCst);

    let barrier = Arc::new(Barrier::new(64));
    let threads: Vec<_> = (0..64)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                token(&client)
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap().unwrap(), "token-2");
    }
    assert_eq!(server.count(), 2, "one request for the first token, one for all 64 threads");
}

#[test]
fn a_still_valid_token_is_served_while_another_thread_refreshes() {
    let (server, clock, client) = clocked_client(60, Some("10"));
    token(&client).unwrap();
    clock.advance(Duration::from_secs(55)); // due for refresh, still valid
    server.delay_ms.store(1500, Ordering::SeqCst);
    let refresher = {
        let client = client.clone();
        std::thread::spawn(move || token(&client))
    };
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    assert_eq!(token(&client).unwrap(), "token-1", "served the valid token");
    assert!(started.elapsed() < Duration::from_millis(500), "did not wait for the refresh");
    assert_eq!(refresher.join().unwrap().unwrap(), "token-2");
}

#[test]
fn the_refresh_token_is_preferred_and_invalid_grant_falls_back_to_the_password_grant() {
    let server = TokenServer::new(60);
    server.issue_refresh_tokens.store(true, Ordering::SeqCst);
    let base = serve(server.clone(), None);
    let clock = Arc::new(ManualClock::new());
    let client = Client::with_clock(config(&base), clock.clone()).unwrap();
    let password = Credentials::Password {
        client_id: "api".into(),
        client_secret: Some(SECRET.to_owned().into()),
        username: "analyst".into(),
        password: "user-password-123".to_owned().into(),
    };
    block_on(client.authenticate(Some(password))).unwrap().unwrap();
    clock.advance(Duration::from_secs(61));
    assert_eq!(token(&client).unwrap(), "token-2");
    assert_eq!(server.grants(), ["password", "refresh_token"]);
    let refresh_form = server.forms.lock().unwrap()[1].clone();
    assert_eq!(refresh_form.get("refresh_token").map(String::as_str), Some("refresh-1"));

    server.reject_refresh.store(true, Ordering::SeqCst);
    clock.advance(Duration::from_secs(61));
    assert_eq!(token(&client).unwrap(), "token-4");
    assert_eq!(server.grants(), ["password", "refresh_token", "refresh_token", "password"]);
}

#[test]
fn the_hub_401_drops_the_token_and_replays_once() {
    let server = TokenServer::new(300);
    // The Hub rejects token-1 (revoked, say) and accepts any other.
    let hub = HubServer::new(|_, auth, _| {
        if auth == "Bearer token-1" {
            (401, r#"{"code":"invalid_token"}"#.into())
        } else {
            (200, r#"{"items":[],"next_page_token":null}"#.into())
        }
    });
    let base = serve(server.clone(), Some(hub.clone()));
    let client = Client::new(config(&base)).unwrap();
    let jobs = block_on(client.list_jobs("p1")).unwrap().unwrap();
    assert!(jobs.is_empty());
    assert_eq!(hub.tokens(), ["Bearer token-1", "Bearer token-2"]);
    assert_eq!(server.count(), 2);
}

fn secret_file(name: &str, content: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("hazy-lifecycle-{}-{name}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn a_client_secret_file_is_read_again_at_each_renewal() {
    let server = TokenServer::new(60);
    let base = serve(server.clone(), None);
    let clock = Arc::new(ManualClock::new());
    let path = secret_file("client-secret", "first-secret-1234\n");
    let mut c = config(&base);
    c.set("client_secret", "").unwrap();
    c.set("client_secret_file", path.to_str().unwrap()).unwrap();
    let client = Client::with_clock(c, clock.clone()).unwrap();
    token(&client).unwrap();
    std::fs::write(&path, "second-secret-5678\r\n").unwrap();
    token(&client).unwrap();
    assert_eq!(server.count(), 1, "a fresh token is served without reading the file");
    clock.advance(Duration::from_secs(45));
    token(&client).unwrap();
    let secrets: Vec<String> = server.forms.lock().unwrap().iter().map(|f| f["client_secret"].clone()).collect();
    assert_eq!(secrets, ["first-secret-1234", "second-secret-5678"]);
    std::fs::remove_file(&path).unwrap();
    clock.advance(Duration::from_secs(120));
    let e = token(&client).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("client_secret_file") && e.message().contains(path.to_str().unwrap()), "{}", e.message());
}

#[test]
fn an_access_token_file_is_read_again_when_the_hub_rejects_the_token() {
    let server = TokenServer::new(300);
    let hub = HubServer::new(|_, auth, _| {
        if auth == "Bearer old-token-1" {
            (401, r#"{"code":"invalid_token"}"#.into())
        } else {
            (200, r#"{"items":[],"next_page_token":null}"#.into())
        }
    });
    let base = serve(server.clone(), Some(hub.clone()));
    let path = secret_file("access-token", "old-token-1\n");
    let mut c = config(&base);
    c.set("access_token_file", path.to_str().unwrap()).unwrap();
    let client = Client::new(c).unwrap();
    assert_eq!(token(&client).unwrap(), "old-token-1");
    std::fs::write(&path, "new-token-2\n").unwrap();
    assert!(block_on(client.list_jobs("p1")).unwrap().unwrap().is_empty());
    assert_eq!(hub.tokens(), ["Bearer old-token-1", "Bearer new-token-2"]);
    assert_eq!(server.count(), 0, "a bearer token is never exchanged");
    std::fs::remove_file(&path).unwrap();
}

/// A shell script for credential_command: `body` runs under /bin/sh.
#[cfg(unix)]
fn command_script(name: &str, body: &str) -> String {
    let path = secret_file(name, &format!("#!/bin/sh\n{body}\n"));
    format!("/bin/sh {}", path.display())
}

#[cfg(unix)]
#[test]
fn the_credential_command_runs_again_at_each_grant_and_its_new_secret_is_sent() {
    let server = TokenServer::new(60);
    let base = serve(server.clone(), None);
    let clock = Arc::new(ManualClock::new());
    let secret = secret_file("command-secret", "first-secret-1234");
    let runs = secret_file("command-runs", "");
    let mut c = config(&base);
    c.set("client_secret", "").unwrap();
    let script = format!(
        r#"echo run >> '{}'; echo "not shown" >&2; printf '{{"client_secret": "%s"}}' "$(cat '{}')""#,
        runs.display(),
        secret.display()
    );
    c.set("credential_command", &command_script("command.sh", &script)).unwrap();
    let client = Client::with_clock(c, clock.clone()).unwrap();
    token(&client).unwrap();
    std::fs::write(&secret, "second-secret-5678").unwrap();
    token(&client).unwrap();
    assert_eq!(server.count(), 1, "a fresh token is served without running the command");
    clock.advance(Duration::from_secs(45));
    token(&client).unwrap();
    let secrets: Vec<String> = server.forms.lock().unwrap().iter().map(|f| f["client_secret"].clone()).collect();
    assert_eq!(secrets, ["first-secret-1234", "second-secret-5678"]);
    assert_eq!(std::fs::read_to_string(&runs).unwrap().lines().count(), 2);
    // The command fails: AUTH, naming the option; the output is not shown.
    std::fs::write(&secret, "CANARY-third\"").unwrap();
    clock.advance(Duration::from_secs(120));
    let e = token(&client).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("credential_command") && !e.message().contains("CANARY"), "{}", e.message());
    for path in [secret, runs] {
        std::fs::remove_file(path).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn an_access_token_from_the_credential_command_is_used_until_its_expires_at() {
    let server = TokenServer::new(300);
    let hub = HubServer::new(|_, _, _| (200, r#"{"items":[],"next_page_token":null}"#.into()));
    let base = serve(server.clone(), Some(hub.clone()));
    let clock = Arc::new(ManualClock::new());
    let runs = secret_file("command-token-runs", "");
    let mut c = config(&base);
    c.set("client_secret", "").unwrap();
    // Expires in 60 s; the default margin (30 s) renews it after 30 s.
    let script = format!(
        r#"echo run >> '{0}'; n=$(wc -l < '{0}' | tr -d ' '); printf '{{"access_token": "cmd-token-%s", "expires_at": %s}}' $n $(( $(date +%s) + 60 ))"#,
        runs.display()
    );
    c.set("credential_command", &command_script("command-token.sh", &script)).unwrap();
    let client = Client::with_clock(c, clock.clone()).unwrap();
    assert!(block_on(client.list_jobs("p1")).unwrap().unwrap().is_empty());
    assert_eq!(token(&client).unwrap(), "cmd-token-1");
    clock.advance(Duration::from_secs(35));
    assert_eq!(token(&client).unwrap(), "cmd-token-2", "renewed within the margin of expires_at");
    assert!(block_on(client.list_jobs("p1")).unwrap().unwrap().is_empty());
    assert_eq!(hub.tokens(), ["Bearer cmd-token-1", "Bearer cmd-token-2"]);
    assert_eq!(server.count(), 0, "an access token from the command needs no grant");
    std::fs::remove_file(runs).unwrap();
}

#[test]
fn the_credential_command_and_a_secret_together_are_refused_naming_both() {
    for key in ["client_secret", "client_secret_file", "access_token", "access_token_file"] {
        let mut c = Config::default();
        c.set("client_id", "api").unwrap();
        c.set("credential_command", "get-secret --json").unwrap();
        c.set(key, "CANARY-value").unwrap();
        let e = Client::new(c).err().expect("refused");
        assert_eq!(e.status(), Status::InvalidArgument);
        assert!(e.message().contains("'credential_command'") && e.message().contains(&format!("'{key}'")), "{}", e.message());
        assert!(!e.message().contains("CANARY"));
    }
    let mut c = Config::default();
    c.set("credential_command", "get-secret 'unclosed").unwrap();
    let e = Client::new(c).err().expect("refused");
    assert!(e.message().contains("credential_command") && e.message().contains("unclosed"), "{}", e.message());
}

#[test]
fn submissions_retry_5xx_under_one_idempotency_key() {
    let server = TokenServer::new(300);
    let job = r#"{"id":"j1","project_id":"p1","kind":"train","state":"queued","progress":0}"#;
    let hub = HubServer::new(move |_, _, n| if n <= 2 { (503, "{}".into()) } else { (201, job.into()) });
    let base = serve(server, Some(hub.clone()));
    let client = Client::new(config(&base)).unwrap();
    let cfg = r#"{"data_schema":{"tables":[]},"data_input":[]}"#;
    let job = block_on(client.train("p1", cfg)).unwrap().unwrap();
    assert_eq!(job.id, "j1");
    let keys = hub.idempotency_keys();
    assert_eq!(keys.len(), 3);
    assert!(keys[0].is_some() && keys.iter().all(|k| k == &keys[0]), "{keys:?}");
}

#[test]
fn basic_client_authentication_form_encodes_id_and_secret() {
    let server = TokenServer::new(300);
    let base = serve(server.clone(), None);
    let mut c = config(&base);
    c.set("client_auth", "basic").unwrap();
    c.set("client_id", "api:x").unwrap();
    c.set("client_secret", "s3c:ret/+").unwrap();
    let client = Client::new(c).unwrap();
    token(&client).unwrap();
    let headers = server.headers.lock().unwrap()[0].clone();
    let auth = headers.get("authorization").unwrap().to_str().unwrap().to_owned();
    // base64("api%3Ax:s3c%3Aret%2F%2B")
    assert_eq!(auth, "Basic YXBpJTNBeDpzM2MlM0FyZXQlMkYlMkI=");
    let form = server.forms.lock().unwrap()[0].clone();
    assert!(!form.contains_key("client_secret"));
}

/// Keycloak's documented error answers, each through a real HTTP exchange.
#[test]
fn keycloak_error_answers_map_to_statuses_and_never_leak_the_secret() {
    let cases: &[(u16, &str, Status, Option<&str>)] = &[
        (401, r#"{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}"#, Status::Auth, Some("invalid_client")),
        (400, r#"{"error":"unauthorized_client","error_description":"Client not enabled to retrieve service account"}"#, Status::Auth, Some("unauthorized_client")),
        (401, r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#, Status::Auth, Some("invalid_grant")),
        (404, r#"{"error":"Realm does not exist"}"#, Status::NotFound, Some("Realm does not exist")),
        (404, "<html><body>Resource not found</body></html>", Status::NotFound, None),
        (200, r#"{"error":"invalid_grant","error_description":"odd but seen"}"#, Status::Auth, Some("invalid_grant")),
        (200, "this is not json", Status::Protocol, None),
        (503, "<html>unavailable</html>", Status::Server, None),
    ];
    for (status, body, expected, oauth) in cases {
        let server = TokenServer::new(300);
        server.script(*status, &body.replace("odd", SECRET));
        if *expected == Status::Server {
            for _ in 0..8 {
                server.script(*status, body);
            }
        }
        let base = serve(server, None);
        let client = Client::new(config(&base)).unwrap();
        let e = token(&client).unwrap_err();
        assert_eq!(e.status(), *expected, "{status} {body}: {e}");
        assert_eq!(e.http_status(), *status);
        assert_eq!(e.oauth_error(), *oauth);
        let all = format!("{e:?} {e} {:?}", e.oauth_description());
        assert!(!all.contains(SECRET), "secret leaked: {all}");
    }
}

#[test]
fn a_tls_failure_is_reported_as_tls() {
    // An https:// URL aimed at a plain-HTTP server fails in the TLS handshake.
    let base = serve_raw(200, b"{}".to_vec()).replace("http://", "https://");
    let mut c = config(&base);
    c.set("retry_max_attempts", "1").unwrap();
    let client = Client::new(c).unwrap();
    let e = token(&client).unwrap_err();
    assert_eq!(e.status(), Status::Tls, "{e}");
}

/// An EC P-256 key made by ring, written to `path` as PKCS#8 encrypted by `openssl pkcs8
/// -topk8 -v2 aes-256-cbc` with the passphrase in `pass`; returns its public key.
fn encrypted_ec_key(path: &std::path::Path, pass: &std::path::Path) -> Vec<u8> {
    use base64::Engine;
    use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref());
    let plain = path.with_extension("plain");
    std::fs::write(&plain, format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n")).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in"])
        .arg(&plain)
        .arg("-passout")
        .arg(format!("file:{}", pass.display()))
        .arg("-out")
        .arg(path)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::remove_file(plain).unwrap();
    pair.public_key().as_ref().to_vec()
}

fn assertion_signed_by(assertion: &str, public: &[u8]) -> bool {
    use base64::Engine;
    let parts: Vec<&str> = assertion.split('.').collect();
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, public)
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .is_ok()
}

#[test]
fn a_rotated_encrypted_private_key_signs_the_next_grant() {
    let server = TokenServer::new(60);
    let base = serve(server.clone(), None);
    let clock = Arc::new(ManualClock::new());
    let key = secret_file("jwt-key.p8", "");
    let pass = secret_file("jwt-key-pass", "first-passphrase-3e9a\n");
    let first = encrypted_ec_key(&key, &pass);
    let mut c = config(&base);
    c.set("client_secret", "").unwrap();
    c.set("client_auth", "private_key_jwt").unwrap();
    c.set("client_private_key", key.to_str().unwrap()).unwrap();
    c.set("client_private_key_passphrase_file", pass.to_str().unwrap()).unwrap();
    let client = Client::with_clock(c, clock.clone()).unwrap();
    token(&client).unwrap();
    // Rotated on disk: a new key under a new passphrase.
    std::fs::write(&pass, "second-passphrase-77f0\n").unwrap();
    let second = encrypted_ec_key(&key, &pass);
    clock.advance(Duration::from_secs(45));
    token(&client).unwrap();
    let assertions: Vec<String> = server.forms.lock().unwrap().iter().map(|f| f["client_assertion"].clone()).collect();
    assert_eq!(assertions.len(), 2);
    assert!(assertion_signed_by(&assertions[0], &first) && !assertion_signed_by(&assertions[0], &second));
    assert!(assertion_signed_by(&assertions[1], &second), "the next grant is signed with the rotated key");
    // A key that became unusable fails the next grant, naming the path.
    std::fs::write(&key, "not a key\n").unwrap();
    clock.advance(Duration::from_secs(120));
    let e = token(&client).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("client_private_key") && e.message().contains(key.to_str().unwrap()), "{}", e.message());
    std::fs::remove_file(&key).unwrap();
    std::fs::remove_file(&pass).unwrap();
}
