//! The token-response parser: what libhazy makes of a token endpoint's status and body, as
//! `TokenEndpoint::request` does, for each grant it sends.
//!
//! Input: a first line `STATUS [grant]` (grant: client, basic, password or refresh), then the
//! body. Checked on every input:
//! - a grant only from a 2xx JSON body with a non-empty access_token and a bearer type, and
//!   exactly the values in it;
//! - an error carries the HTTP status, one of the statuses a token endpoint can produce, and
//!   404 is NOT_FOUND;
//! - no message or field reveals a planted secret (client secret, password, refresh token) in
//!   any encoding libhazy sends it, nor 6 or more of its leading characters, unless the
//!   server sent those characters itself;
//! - message and server-text fields stay within their documented lengths.
#![no_main]

use hazy::auth::Credentials;
use hazy::fuzzing::token_response;
use hazy::Status;
use hazy_fuzz::*;
use libfuzzer_sys::fuzz_target;
use secrecy::ExposeSecret;
use serde_json::Value;

const URL: &str = "http://127.0.0.1:9/realms/hazy/protocol/openid-connect/token";

fuzz_target!(init: hazy_fuzz::self_check(), |data: &[u8]| {
    let (status, grant, body) = status_line(data);
    let client = || Credentials::ClientCredentials {
        client_id: CLIENT_ID.to_owned(),
        client_secret: Some(CLIENT_SECRET.to_owned().into()),
    };
    let (credentials, refresh) = match grant {
        "password" => (
            Credentials::Password {
                client_id: CLIENT_ID.to_owned(),
                client_secret: Some(CLIENT_SECRET.to_owned().into()),
                username: USERNAME.to_owned(),
                password: PASSWORD.to_owned().into(),
            },
            None,
        ),
        "refresh" => (client(), Some(REFRESH_TOKEN)),
        _ => (client(), None),
    };

    match token_response(status, body, &credentials, refresh, URL) {
        Ok(grant) => {
            assert!((200..300).contains(&status), "a grant from HTTP {status}");
            let json: Value = json_value(body).expect("a grant from a body that is not JSON");
            assert!(json.get("error").and_then(Value::as_str).is_none(), "a grant from an OAuth error");
            let token = grant.access_token.expose_secret();
            assert!(!token.is_empty());
            assert_eq!(json.get("access_token").and_then(Value::as_str), Some(token));
            if let Some(kind) = json.get("token_type").and_then(Value::as_str) {
                assert!(kind.eq_ignore_ascii_case("bearer"), "token_type {kind}");
            }
            let secs = grant.expires_in.map(|d| d.as_secs());
            assert_eq!(secs, json.get("expires_in").and_then(Value::as_u64));
        }
        Err(e) => {
            assert_eq!(e.http_status(), status, "{e:?}");
            let expected = [Status::Auth, Status::Forbidden, Status::NotFound, Status::Server, Status::Protocol];
            assert!(expected.contains(&e.status()), "{e:?}");
            if status == 404 {
                assert_eq!(e.status(), Status::NotFound);
            }
            assert!(e.message().chars().count() <= MAX_MESSAGE_CHARS, "message of {} chars", e.message().len());
            if let Some(code) = e.oauth_error() {
                assert!(code.chars().count() <= 100 + 3, "oauth error of {} chars", code.chars().count());
            }

            let outputs: Vec<&str> =
                [Some(e.message()), e.oauth_error(), e.oauth_description(), e.field()].into_iter().flatten().collect();
            let sources = json_strings(body);
            let mut planted = forms(CLIENT_SECRET, Some(CLIENT_ID));
            if grant == "password" {
                planted.extend(forms(PASSWORD, None));
            }
            if refresh.is_some() {
                planted.extend(forms(REFRESH_TOKEN, None));
            }
            planted.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
            if let Some(leak) = find_leak(&outputs, &sources, &planted) {
                panic!("secret leaked: {leak}");
            }
        }
    }
});
