//! What `hazy auth check` shows about a token: its claims, read from the JWT payload without
//! verifying the signature (the Hub verifies it; this is for display only). The token itself
//! is never kept or printed.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde_json::{json, Value};

pub struct TokenInfo {
    pub principal: Option<String>,
    pub subject: Option<String>,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    pub audience: Vec<String>,
    pub issuer: Option<String>,
    pub expires_at: Option<u64>,
}

impl TokenInfo {
    /// None when the token is not a JWT (an opaque token obtained elsewhere).
    pub fn from_jwt(token: &str) -> Option<TokenInfo> {
        let mut parts = token.split('.');
        let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let claims: Value = serde_json::from_slice(&bytes).ok()?;
        let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
        let list = |k: &str| match claims.get(k) {
            Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        Some(TokenInfo {
            principal: text("preferred_username").or_else(|| text("sub")),
            subject: text("sub"),
            client_id: text("azp").or_else(|| text("client_id")),
            scopes: list("scope"),
            audience: list("aud"),
            issuer: text("iss"),
            expires_at: claims.get("exp").and_then(Value::as_u64),
        })
    }

    pub fn expires_in_s(&self) -> Option<i64> {
        self.expires_at.map(|exp| exp as i64 - now_s() as i64)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "principal": self.principal,
            "subject": self.subject,
            "client_id": self.client_id,
            "scopes": self.scopes,
            "audience": self.audience,
            "issuer": self.issuer,
            "expires_at": self.expires_at.map(rfc3339),
            "expires_in_s": self.expires_in_s(),
        })
    }

    pub fn to_text(&self) -> String {
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        let expires = match (self.expires_at, self.expires_in_s()) {
            (Some(at), Some(left)) => format!("{} (in {left} s)", rfc3339(at)),
            _ => "-".to_owned(),
        };
        format!(
            "principal: {}\nclient:    {}\nscopes:    {}\naudience:  {}\nissuer:    {}\nexpires:   {}\n",
            or_dash(&self.principal),
            or_dash(&self.client_id),
            if self.scopes.is_empty() { "-".to_owned() } else { self.scopes.join(" ") },
            if self.audience.is_empty() { "-".to_owned() } else { self.audience.join(" ") },
            or_dash(&self.issuer),
            expires,
        )
    }
}

fn now_s() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Seconds since the epoch as RFC 3339 UTC (days to civil date after H. Hinnant).
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86400) as i64;
    let rem = secs % 86400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn claims_from_a_jwt_payload() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"sub":"s-1","preferred_username":"service-account-api","azp":"api","scope":"a b","aud":"x","exp":10}"#);
        let info = TokenInfo::from_jwt(&format!("h.{payload}.sig")).unwrap();
        assert_eq!(info.principal.as_deref(), Some("service-account-api"));
        assert_eq!(info.client_id.as_deref(), Some("api"));
        assert_eq!(info.scopes, ["a", "b"]);
        assert_eq!(info.audience, ["x"]);
        assert_eq!(info.expires_at, Some(10));
        assert!(TokenInfo::from_jwt("opaque-token").is_none());
    }
}
