//! The claims of an access token, read from its JWT payload without verifying the signature:
//! the Hub verifies tokens, the doctor only explains what Keycloak put into one. Nothing here
//! keeps or shows the token itself.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

#[derive(Debug, Default)]
pub struct Claims {
    pub audience: Vec<String>,
    pub scopes: Vec<String>,
    pub issuer: Option<String>,
    /// `azp`: the client the token was issued to.
    pub authorized_party: Option<String>,
    pub issued_at: Option<i64>,
    pub expires_at: Option<i64>,
}

impl Claims {
    /// None when the token is not a JWT with a JSON payload (an opaque token).
    pub fn read(token: &str) -> Option<Claims> {
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let claims: Value = serde_json::from_slice(&bytes).ok()?;
        let claims = claims.as_object()?;
        let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
        // `aud` is a string or an array (RFC 7519 §4.1.3); `scope` is space-separated.
        let list = |k: &str| match claims.get(k) {
            Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let time = |k: &str| claims.get(k).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)));
        Some(Claims {
            audience: list("aud"),
            scopes: list("scope"),
            issuer: text("iss"),
            authorized_party: text("azp"),
            issued_at: time("iat"),
            expires_at: time("exp"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!("eyJhbGciOiJSUzI1NiJ9.{}.c2ln", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn reads_keycloak_shaped_claims() {
        let c = Claims::read(&token(
            r#"{"aud":["hazy-hub-backend","account"],"scope":"profile hazy/TrainJob:*","iss":"http://kc/realms/hazy","azp":"api","iat":100,"exp":400}"#,
        ))
        .unwrap();
        assert_eq!(c.audience, ["hazy-hub-backend", "account"]);
        assert_eq!(c.scopes, ["profile", "hazy/TrainJob:*"]);
        assert_eq!((c.issued_at, c.expires_at), (Some(100), Some(400)));
        assert_eq!(c.authorized_party.as_deref(), Some("api"));
        let c = Claims::read(&token(r#"{"aud":"hazy-hub-backend"}"#)).unwrap();
        assert_eq!(c.audience, ["hazy-hub-backend"]);
        assert!(c.scopes.is_empty() && c.issued_at.is_none());
    }

    #[test]
    fn opaque_tokens_have_no_claims() {
        for t in ["opaque", "a.b", "a.b.c.d", &token("[1]"), "h.!!!.s"] {
            assert!(Claims::read(t).is_none(), "{t}");
        }
    }
}
