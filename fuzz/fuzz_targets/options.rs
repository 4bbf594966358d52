//! The option parser, through both of its doors: `Config::set` (what `hazy_options_set`
//! calls) and the `HAZY_*` environment (`hazy_options_load_env`, `hazy_client_new(NULL)`).
//!
//! Input: lines of `key=value`; a key that starts with `HAZY_` is set as an environment
//! variable instead (its value may be invalid UTF-8). Checked on every input:
//! - only InvalidArgument errors, naming the key or variable, of bounded length;
//! - unknown keys, and only those, are refused as unknown;
//! - secret values never reach an error or `Debug`: a twin config given other secret values
//!   prints and fails identically;
//! - accepted values are stored as given, and setting twice gives the same config;
//! - the environment door and `set` agree on the same settings;
//! - the token endpoint is token_url as given, or a URL under the http(s) base whose path
//!   ends in the realm as one segment; a base that is not such a URL is refused;
//! - the credentials derived from any config show nothing of the secrets' content.
#![no_main]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use hazy::auth::Credentials;
use hazy::{Config, Status, OPTIONS};
use hazy_fuzz::MAX_MESSAGE_CHARS;
use libfuzzer_sys::fuzz_target;

const SECRET_KEYS: [&str; 3] = ["client_secret", "password", "access_token"];

fn twin_value(key: &str, value: &str) -> String {
    // Same emptiness, different content: nothing observable may depend on the content.
    if SECRET_KEYS.contains(&key) && !value.is_empty() {
        "twin-secret".to_owned()
    } else {
        value.to_owned()
    }
}

fn text_field<'a>(c: &'a Config, key: &str) -> Option<&'a Option<String>> {
    Some(match key {
        "host" => &c.host,
        "auth_url" => &c.auth_url,
        "token_url" => &c.token_url,
        "client_id" => &c.client_id,
        "username" => &c.username,
        "audience" => &c.audience,
        "scope" => &c.scope,
        "ca_bundle" => &c.ca_bundle,
        _ => return None,
    })
}

fn check_set(config: &mut Config, twin: &mut Config, key: &str, value: &str) {
    let known = OPTIONS.iter().any(|(k, _, _)| *k == key);
    let result = config.set(key, value);
    let twin_result = twin.set(key, &twin_value(key, value));
    assert_eq!(result, twin_result, "an option's outcome depends on a secret's content");
    match &result {
        Ok(()) => {
            assert!(known, "unknown key {key:?} accepted");
            if let Some(field) = text_field(config, key) {
                let want = (!value.is_empty()).then(|| value.to_owned());
                assert_eq!(field, &want, "{key} stored {field:?}");
            }
            if SECRET_KEYS.contains(&key) && !value.is_empty() {
                let secrets: Vec<String> = config.secrets();
                assert!(secrets.iter().any(|s| s == value), "{key} was not stored as a secret");
            }
            // Setting is idempotent.
            let before = format!("{config:?}");
            config.set(key, value).unwrap();
            assert_eq!(before, format!("{config:?}"));
        }
        Err(e) => {
            assert_eq!(e.status(), Status::InvalidArgument, "{e:?}");
            assert!(!SECRET_KEYS.contains(&key), "a secret option was refused: {e:?}");
            assert!(e.message().chars().count() <= MAX_MESSAGE_CHARS);
            let unknown = e.message().contains("unknown option");
            assert_eq!(unknown, !known, "{key:?}: {e:?}");
            if known {
                assert!(e.message().contains(key), "the message does not name {key}: {e:?}");
            }
        }
    }
}

fn check_derived(config: &Config, twin: &Config) {
    assert_eq!(format!("{config:?}"), format!("{twin:?}"), "Debug depends on a secret's content");
    // The token endpoint: token_url as given; else {auth_url or host/auth}/realms/{realm}/...,
    // from a base that is an http(s) URL with a host, the realm one path segment whatever it
    // holds.
    let base = config.auth_url.as_ref().or(config.host.as_ref());
    let usable = |b: &str| {
        url::Url::parse(b).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some() && !u.cannot_be_a_base())
    };
    match config.token_endpoint() {
        Ok(endpoint) => match &config.token_url {
            Some(explicit) => assert_eq!(&endpoint, explicit),
            None => {
                let base = base.expect("an endpoint without a base");
                assert!(usable(base), "an endpoint from {base:?}");
                let parsed = url::Url::parse(&endpoint).expect("an endpoint that is not a URL");
                let mut segments: Vec<String> = parsed
                    .path_segments()
                    .expect("a URL with a path")
                    .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
                    .collect();
                let tail = segments.split_off(segments.len().saturating_sub(5));
                assert_eq!(tail, ["realms", config.realm.as_str(), "protocol", "openid-connect", "token"], "{endpoint}");
                if config.auth_url.is_none() {
                    assert_eq!(segments.last().map(String::as_str), Some("auth"), "{endpoint}");
                }
            }
        },
        Err(e) => {
            assert_eq!(e.status(), Status::InvalidArgument);
            assert!(config.token_url.is_none(), "{e:?}");
            assert!(!base.is_some_and(|b| usable(b)), "{base:?} refused: {e:?}");
        }
    }
    // Credentials name the grant and principal, and nothing about the secrets' content.
    let show = |c: &Config| Credentials::from_config(c).map(|c| format!("{} {c:?}", c.describe()));
    assert_eq!(show(config), show(twin), "credentials show a secret's content");
}

fn clear_env() {
    for (_, var, _) in OPTIONS {
        std::env::remove_var(var);
    }
}

fuzz_target!(init: { hazy_fuzz::self_check(); clear_env(); }, |data: &[u8]| {
    let mut config = Config::default();
    let mut twin = Config::default();
    let mut env: Vec<(&[u8], &[u8])> = Vec::new();
    for line in data.split(|&b| b == b'\n') {
        let Some(eq) = line.iter().position(|&b| b == b'=') else { continue };
        let (key, value) = (&line[..eq], &line[eq + 1..]);
        if key.starts_with(b"HAZY_") {
            env.push((key, value));
        } else if let (Ok(key), Ok(value)) = (std::str::from_utf8(key), std::str::from_utf8(value)) {
            check_set(&mut config, &mut twin, key, value);
        }
    }
    check_derived(&config, &twin);

    // The environment door, on the same process-wide environment the C API reads. libFuzzer
    // runs one input at a time on one thread, so nothing else sees these variables.
    let usable = |(k, v): &&(&[u8], &[u8])| !k.contains(&0) && !v.contains(&0) && !k.contains(&b'=');
    let env: Vec<_> = env.iter().filter(usable).collect();
    if env.is_empty() {
        return;
    }
    for (var, value) in &env {
        std::env::set_var(OsStr::from_bytes(var), OsStr::from_bytes(value));
    }
    let from_env = Config::from_env();
    clear_env();
    for (var, _) in &env {
        std::env::remove_var(OsStr::from_bytes(var));
    }
    // What the environment should amount to: the last value of each known variable, set in
    // table order, empty ones skipped.
    let mut expected = Config::default();
    let mut expected_error = None;
    for (key, var, _) in OPTIONS {
        let Some((_, value)) = env.iter().rev().find(|(v, _)| *v == var.as_bytes()) else { continue };
        if value.is_empty() {
            continue;
        }
        let outcome = match std::str::from_utf8(value) {
            Ok(value) => expected.set(key, value),
            Err(_) => Err(hazy::Error::invalid_argument("not UTF-8")),
        };
        if outcome.is_err() {
            expected_error = Some(*var);
            break;
        }
    }
    match (from_env, expected_error) {
        (Ok(got), None) => {
            assert_eq!(format!("{got:?}"), format!("{expected:?}"));
            let (a, b) = (got.secrets(), expected.secrets());
            assert_eq!(a, b, "the environment and set() store different secrets");
        }
        (Err(e), Some(var)) => {
            assert_eq!(e.status(), Status::InvalidArgument);
            assert!(e.message().starts_with(var), "{var}: {e:?}");
            assert!(e.message().chars().count() <= MAX_MESSAGE_CHARS);
        }
        (got, want) => panic!("from_env gave {got:?}, expected an error for {want:?}"),
    }
});
