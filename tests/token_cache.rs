//! The token cache file (option token_cache) against in-process servers: clients sharing one
//! file behave as processes do (each holds its own open file for the lock), with exact token
//! request counts. How real processes share it against the real Keycloak is tested by
//! tests/cli/test_token_cache.py (tests/SCENARIOS.md).

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::{serve, HubServer, TokenServer};
use hazy::auth::Credentials;
use hazy::runtime::block_on;
use hazy::{Client, Config, Status};
use secrecy::ExposeSecret;

const SECRET: &str = "client-secret-that-must-not-leak";

/// A directory only this user can use, as the cache requires.
fn private_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hazy-cache-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    dir
}

fn config(base: &str, cache: &Path) -> Config {
    let mut c = Config::default();
    c.set("host", base).unwrap();
    c.set("token_url", &format!("{base}/token")).unwrap();
    c.set("client_id", "api").unwrap();
    c.set("client_secret", SECRET).unwrap();
    c.set("retry_base_delay_ms", "1").unwrap();
    c.set("token_cache", cache.to_str().unwrap()).unwrap();
    c
}

fn token(client: &Client) -> String {
    block_on(client.access_token()).unwrap().unwrap().expose_secret().to_owned()
}

#[test]
fn clients_sharing_a_file_make_one_token_request() {
    let dir = private_dir("share");
    let server = TokenServer::new(300);
    // Slow answers, so that every client is waiting while the first one's request runs.
    server.delay_ms.store(300, Ordering::SeqCst);
    let base = serve(server.clone(), None);
    let clients: Vec<Client> = (0..8).map(|_| Client::new(config(&base, &dir.join("tokens.json"))).unwrap()).collect();
    let barrier = Arc::new(Barrier::new(64));
    let threads: Vec<_> = (0..64)
        .map(|i| {
            let (client, barrier) = (clients[i % 8].clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                token(&client)
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), "token-1");
    }
    assert_eq!(server.count(), 1, "8 clients with 8 threads each, one token request");
    let made: u64 = clients.iter().map(Client::token_requests).sum();
    assert_eq!(made, 1);
    // A client made later, as the next process is, needs none.
    let later = Client::new(config(&base, &dir.join("tokens.json"))).unwrap();
    block_on(later.authenticate(None)).unwrap().unwrap();
    assert_eq!((token(&later), server.count()), ("token-1".to_owned(), 1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sixty_four_threads_times_a_thousand_calls_with_a_cache_make_one_request() {
    let dir = private_dir("threads");
    let server = TokenServer::new(300);
    let base = serve(server.clone(), None);
    let client = Client::new(config(&base, &dir.join("tokens.json"))).unwrap();
    let barrier = Arc::new(Barrier::new(64));
    let threads: Vec<_> = (0..64)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                (0..1000).all(|_| token(&client) == "token-1")
            })
        })
        .collect();
    for t in threads {
        assert!(t.join().unwrap());
    }
    assert_eq!(server.count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_token_the_hub_rejected_is_not_taken_back_from_the_file() {
    let dir = private_dir("rejected");
    let server = TokenServer::new(300);
    let hub = HubServer::new(|_, auth, _| {
        if auth == "Bearer token-1" {
            (401, r#"{"code":"invalid_token"}"#.into())
        } else {
            (200, r#"{"items":[],"next_page_token":null}"#.into())
        }
    });
    let base = serve(server.clone(), Some(hub.clone()));
    let first = Client::new(config(&base, &dir.join("tokens.json"))).unwrap();
    assert_eq!(token(&first), "token-1");
    // The next process finds token-1 in the file; the Hub refuses it; the replay gets a new one.
    let next = Client::new(config(&base, &dir.join("tokens.json"))).unwrap();
    assert!(block_on(next.list_jobs("p1")).unwrap().unwrap().is_empty());
    assert_eq!(hub.tokens(), ["Bearer token-1", "Bearer token-2"]);
    assert_eq!(server.count(), 2);
    let third = Client::new(config(&base, &dir.join("tokens.json"))).unwrap();
    assert_eq!(token(&third), "token-2", "the new token replaced the rejected one in the file");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_next_process_renews_with_the_refresh_token_in_the_file() {
    let dir = private_dir("refresh");
    let server = TokenServer::new(2); // due for refresh after 1 s (half the lifetime)
    server.issue_refresh_tokens.store(true, Ordering::SeqCst);
    let base = serve(server.clone(), None);
    let mut c = config(&base, &dir.join("tokens.json"));
    c.set("username", "analyst").unwrap();
    c.set("password", "user-password-123").unwrap();
    let first = Client::new(c.clone()).unwrap();
    assert_eq!(token(&first), "token-1");
    std::thread::sleep(Duration::from_millis(1200));
    let next = Client::new(c).unwrap();
    assert_eq!(token(&next), "token-2");
    assert_eq!(server.grants(), ["password", "refresh_token"], "the second process kept the first one's session");
    assert_eq!(server.forms.lock().unwrap()[1].get("refresh_token").map(String::as_str), Some("refresh-1"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn principals_do_not_share_entries() {
    let dir = private_dir("principals");
    let server = TokenServer::new(300);
    let base = serve(server.clone(), None);
    let path = dir.join("tokens.json");
    assert_eq!(token(&Client::new(config(&base, &path)).unwrap()), "token-1");
    let mut other_client = config(&base, &path);
    other_client.set("client_id", "api-other").unwrap();
    let mut user = config(&base, &path);
    user.set("username", "analyst").unwrap();
    user.set("password", "pw").unwrap();
    let mut scoped = config(&base, &path);
    scoped.set("scope", "hazy/Model:read").unwrap();
    let mut realm = config(&base, &path);
    realm.set("token_url", &format!("{base}/token?realm=other")).unwrap();
    for (n, c) in [other_client, user, scoped, realm].into_iter().enumerate() {
        assert_eq!(token(&Client::new(c).unwrap()), format!("token-{}", n + 2));
    }
    assert_eq!(server.count(), 5);
    assert_eq!(token(&Client::new(config(&base, &path)).unwrap()), "token-1", "the first entry is still there");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bearer_tokens_are_not_written_and_bad_paths_are_refused() {
    let dir = private_dir("bearer");
    let server = TokenServer::new(300);
    let base = serve(server.clone(), None);
    let mut c = config(&base, &dir.join("tokens.json"));
    c.set("client_secret", "").unwrap();
    c.set("client_id", "").unwrap();
    c.set("access_token", "given-elsewhere").unwrap();
    let client = Client::new(c).unwrap();
    assert_eq!(token(&client), "given-elsewhere");
    assert!(!dir.join("tokens.json").exists());
    for bad in [dir.join("no-such-dir/tokens.json"), dir.clone()] {
        let e = Client::new(config(&base, &bad)).err().expect("refused");
        assert_eq!(e.status(), Status::InvalidArgument);
        assert!(e.message().contains("token_cache"), "{}", e.message());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn explicit_credentials_use_the_file_too() {
    let dir = private_dir("explicit");
    let server = TokenServer::new(300);
    let base = serve(server.clone(), None);
    let path = dir.join("tokens.json");
    let mut c = config(&base, &path);
    c.set("client_id", "").unwrap();
    c.set("client_secret", "").unwrap();
    let credentials = || Credentials::ClientCredentials { client_id: "api".into(), client_secret: Some(SECRET.to_owned().into()) };
    for _ in 0..3 {
        let client = Client::new(c.clone()).unwrap();
        block_on(client.authenticate(Some(credentials()))).unwrap().unwrap();
        assert_eq!(token(&client), "token-1");
    }
    assert_eq!(server.count(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
