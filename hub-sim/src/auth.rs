//! Bearer-token verification as a Keycloak resource server does it: RS256
//! signatures checked against the realm's JWKS, then expiry, issuer,
//! audience and scope.
//!
//! The signature of a token is verified once; its claims are then cached
//! (see token_cache.rs) and every request still checks expiry against the
//! simulator's clock, issuer, audience and type, and its handler the scope.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::clock::Clock;
use crate::problem::Problem;
use crate::token_cache::{token_hash, TokenCache};

/// An unknown `kid` may mean Keycloak rotated its keys, so it triggers a
/// refetch, but at most this often per kid: otherwise tokens with made-up
/// kids would turn the simulator into a request amplifier against Keycloak.
const UNKNOWN_KID_REFETCH: Duration = Duration::from_secs(10);
/// Floor between any two fetches (also after a failed fetch).
const MIN_FETCH_INTERVAL: Duration = Duration::from_secs(1);
/// Distinct live tokens remembered; a test stack sees a handful, a load test hundreds.
const VERIFIED_TOKENS: usize = 4096;

#[derive(Debug, Clone)]
pub struct Principal {
    /// `sub`, or `azp` when the token has no `sub`; keys idempotency records.
    pub subject: String,
    pub scopes: HashSet<String>,
}

impl Principal {
    /// Whether the token grants `scope`: the scope itself, or the wildcard of its resource,
    /// as Hazy's tutorial names them ("the `hazy/TrainJob:*` scopes"): `hazy/TrainJob:*`
    /// grants `hazy/TrainJob:create`, `:read`, `:cancel`. Nothing wider is a wildcard (no
    /// `hazy/*`, no `*`), and names are otherwise matched whole, never by prefix.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
            || scope
                .rsplit_once(':')
                .is_some_and(|(resource, _)| self.scopes.contains(&format!("{resource}:*")))
    }

    pub fn require(&self, scope: &str) -> Result<(), Problem> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(Problem::insufficient_scope(scope))
        }
    }
}

/// What a signature-checked token says; checked again on every request.
struct VerifiedClaims {
    exp: i64,
    nbf: Option<i64>,
    iss: Option<String>,
    aud: Vec<String>,
    typ: Option<String>,
    principal: Arc<Principal>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, Arc<DecodingKey>>,
    last_fetch: Option<Instant>,
    last_error: Option<String>,
    miss_refetch: HashMap<String, Instant>,
}

pub struct Verifier {
    issuer: String,
    audience: String,
    jwks_url: String,
    leeway_s: u64,
    min_fetch_interval: Duration,
    unknown_kid_refetch: Duration,
    http: reqwest::Client,
    clock: Clock,
    verified: TokenCache<VerifiedClaims>,
    // A tokio mutex held across the fetch, so concurrent requests with a cold
    // cache share one JWKS download instead of each starting one.
    cache: Mutex<KeyCache>,
}

impl Verifier {
    pub fn new(issuer: &str, audience: &str, jwks_url: &str, leeway_s: u64) -> Self {
        let http = crate::http_client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("reqwest client");
        Verifier {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            jwks_url: jwks_url.to_owned(),
            leeway_s,
            min_fetch_interval: MIN_FETCH_INTERVAL,
            unknown_kid_refetch: UNKNOWN_KID_REFETCH,
            http,
            clock: Clock::new(),
            verified: TokenCache::new(VERIFIED_TOKENS),
            cache: Mutex::new(KeyCache::default()),
        }
    }

    /// The clock `exp` and `nbf` are checked against (the simulator shares its own).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How many verified tokens may be remembered at once.
    pub fn with_cache_capacity(mut self, capacity: usize) -> Self {
        self.verified = TokenCache::new(capacity);
        self
    }

    /// Number of tokens whose verified claims are cached now.
    pub fn cached_tokens(&self) -> usize {
        self.verified.len()
    }

    /// Overrides the refetch limits (tests use long ones, to be independent of timing).
    pub fn with_refetch_limits(
        mut self,
        min_fetch_interval: Duration,
        unknown_kid_refetch: Duration,
    ) -> Self {
        self.min_fetch_interval = min_fetch_interval;
        self.unknown_kid_refetch = unknown_kid_refetch;
        self
    }

    /// Installs a JWKS document as if it had just been fetched.
    pub async fn load_jwks(&self, jwks: &Value) {
        let mut cache = self.cache.lock().await;
        cache.keys = parse_jwks(jwks);
        cache.last_fetch = Some(Instant::now());
        cache.last_error = None;
    }

    /// Verifies the request's bearer token; the error is the problem to answer with.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Arc<Principal>, Problem> {
        let token = bearer_token(headers).ok_or_else(Problem::missing_token)?;
        self.verify(token).await
    }

    pub async fn verify(&self, token: &str) -> Result<Arc<Principal>, Problem> {
        let hash = token_hash(token);
        if let Some(claims) = self.verified.get(&hash) {
            let checked = self.check_claims(&claims);
            if checked.is_err() {
                // Only expiry can turn a cached token bad: it will never pass again.
                self.verified.remove(&hash);
            }
            return checked;
        }
        let claims = self.verify_signature(token).await?;
        let principal = self.check_claims(&claims)?;
        let dead_before = self.clock.now_s() - self.leeway_s as i64;
        self.verified
            .insert(hash, claims.exp, Arc::new(claims), dead_before);
        Ok(principal)
    }

    /// Checks the signature and decodes the claims; time and content are check_claims' job.
    async fn verify_signature(&self, token: &str) -> Result<VerifiedClaims, Problem> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| Problem::invalid_token("malformed token"))?;
        if header.alg != Algorithm::RS256 {
            return Err(Problem::invalid_token(&format!(
                "unsupported token algorithm {:?}; RS256 is required",
                header.alg
            )));
        }
        let kid = header
            .kid
            .ok_or_else(|| Problem::invalid_token("token header has no kid"))?;
        let key = self.key_for(&kid).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        // Time is checked in check_claims against the simulator's clock, on every request.
        validation.validate_nbf = false;
        validation.validate_exp = false;
        // Checked in check_claims, to say precisely what was wrong.
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp"]);
        let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
            .map_err(|e| {
                Problem::invalid_token(match e.kind() {
                    ErrorKind::InvalidSignature => "token signature is invalid",
                    ErrorKind::MissingRequiredClaim(_) => "token has no exp claim",
                    _ => "malformed token",
                })
            })?
            .claims;
        parse_claims(&claims)
    }

    fn check_claims(&self, claims: &VerifiedClaims) -> Result<Arc<Principal>, Problem> {
        let now = self.clock.now_s();
        let leeway = self.leeway_s as i64;
        if claims.exp < now - leeway {
            return Err(Problem::invalid_token("token expired"));
        }
        if claims.nbf.is_some_and(|nbf| nbf > now + leeway) {
            return Err(Problem::invalid_token("token not yet valid (nbf)"));
        }
        match claims.iss.as_deref() {
            Some(iss) if iss == self.issuer => {}
            Some(iss) => {
                return Err(Problem::invalid_token(&format!(
                    "token issuer {iss} is not {}",
                    self.issuer
                )))
            }
            None => return Err(Problem::invalid_token("token has no iss claim")),
        }
        if !claims.aud.contains(&self.audience) {
            return Err(Problem::invalid_token(&format!(
                "token audience does not include {}",
                self.audience
            )));
        }
        // Keycloak marks access tokens typ=Bearer; refuse ID and refresh tokens.
        if let Some(typ) = &claims.typ {
            if !typ.eq_ignore_ascii_case("Bearer") {
                return Err(Problem::invalid_token(&format!(
                    "token type {typ} is not an access token"
                )));
            }
        }
        Ok(claims.principal.clone())
    }

    async fn key_for(&self, kid: &str) -> Result<Arc<DecodingKey>, Problem> {
        let mut cache = self.cache.lock().await;
        if let Some(k) = cache.keys.get(kid) {
            return Ok(k.clone());
        }
        let now = Instant::now();
        let recently_fetched = cache
            .last_fetch
            .is_some_and(|t| now - t < self.min_fetch_interval);
        if recently_fetched {
            if let Some(err) = &cache.last_error {
                return Err(Problem::unavailable(
                    format!("signing keys unavailable: {err}"),
                    1,
                ));
            }
        }
        let kid_cooling = cache
            .miss_refetch
            .get(kid)
            .is_some_and(|t| now - *t < self.unknown_kid_refetch);
        if recently_fetched || kid_cooling {
            return Err(Problem::invalid_token("token signed with an unknown key"));
        }
        cache.last_fetch = Some(now);
        match self.fetch_jwks().await {
            Ok(jwks) => {
                cache.keys = parse_jwks(&jwks);
                cache.last_error = None;
            }
            Err(e) => {
                cache.last_error = Some(e.clone());
                return Err(Problem::unavailable(
                    format!("signing keys unavailable: {e}"),
                    1,
                ));
            }
        }
        match cache.keys.get(kid) {
            Some(k) => Ok(k.clone()),
            None => {
                cache
                    .miss_refetch
                    .retain(|_, t| now - *t < self.unknown_kid_refetch);
                cache.miss_refetch.insert(kid.to_owned(), now);
                Err(Problem::invalid_token("token signed with an unknown key"))
            }
        }
    }

    async fn fetch_jwks(&self) -> Result<Value, String> {
        let resp = self
            .http
            .get(&self.jwks_url)
            .send()
            .await
            .map_err(|e| format!("JWKS request failed: {e}"))?;
        if !resp.status().is_success() {
            return Err(format!("JWKS endpoint answered {}", resp.status()));
        }
        resp.json()
            .await
            .map_err(|e| format!("JWKS is not JSON: {e}"))
    }
}

fn parse_claims(claims: &Value) -> Result<VerifiedClaims, Problem> {
    let time = |name: &str| -> Result<Option<i64>, Problem> {
        match claims.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| Problem::invalid_token(&format!("token {name} is not a number"))),
        }
    };
    let exp = time("exp")?.ok_or_else(|| Problem::invalid_token("token has no exp claim"))?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let aud = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let subject = ["sub", "azp"]
        .iter()
        .find_map(|c| claims.get(*c).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    let scopes = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(VerifiedClaims {
        exp,
        nbf: time("nbf")?,
        iss: text("iss"),
        aud,
        typ: text("typ"),
        principal: Arc::new(Principal { subject, scopes }),
    })
}

/// RS256 signing keys of a JWKS by kid. Keycloak also publishes encryption
/// keys (`use: enc`, RSA-OAEP), which must not verify signatures.
fn parse_jwks(jwks: &Value) -> HashMap<String, Arc<DecodingKey>> {
    let mut keys = HashMap::new();
    for k in jwks
        .get("keys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let s = |name: &str| k.get(name).and_then(Value::as_str);
        if s("kty") != Some("RSA")
            || s("use").is_some_and(|u| u != "sig")
            || s("alg").is_some_and(|a| a != "RS256")
        {
            continue;
        }
        if let (Some(kid), Some(n), Some(e)) = (s("kid"), s("n"), s("e")) {
            if let Ok(key) = DecodingKey::from_rsa_components(n, e) {
                keys.insert(kid.to_owned(), Arc::new(key));
            }
        }
    }
    keys
}

/// The token of an `Authorization: Bearer` header; other schemes count as no token.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    pub const ISSUER: &str = "http://127.0.0.1:1/realms/hazy";
    const KEY: &str = include_str!("../tests/keys/test-rsa.pem");
    const OTHER_KEY: &str = include_str!("../tests/keys/other-rsa.pem");
    const JWKS: &str = include_str!("../tests/keys/test-jwks.json");

    fn now() -> i64 {
        jsonwebtoken::get_current_timestamp() as i64
    }

    pub fn claims(scope: &str) -> Value {
        json!({
            "iss": ISSUER, "aud": ["account", "hazy-hub-backend"], "sub": "svc-1", "azp": "api",
            "typ": "Bearer", "exp": now() + 300, "iat": now(), "scope": scope
        })
    }

    pub fn sign_with(claims: &Value, pem: &str, kid: &str) -> String {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &h,
            claims,
            &EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    pub fn sign(claims: &Value) -> String {
        sign_with(claims, KEY, "test-key-1")
    }

    // An unroutable JWKS URL: any fetch attempt shows up as a 503.
    async fn verifier() -> Verifier {
        let hour = Duration::from_secs(3600);
        let v = Verifier::new(ISSUER, "hazy-hub-backend", "http://127.0.0.1:9/certs", 5)
            .with_refetch_limits(hour, hour);
        v.load_jwks(&serde_json::from_str(JWKS).unwrap()).await;
        v
    }

    async fn rejects(v: &Verifier, token: &str, fragment: &str) {
        let p = v.verify(token).await.unwrap_err();
        assert_eq!(
            (p.status.as_u16(), p.body.code.as_str()),
            (401, "invalid_token"),
            "{}",
            p.body.detail
        );
        assert!(
            p.body.detail.contains(fragment),
            "{:?} should mention {fragment:?}",
            p.body.detail
        );
    }

    #[tokio::test]
    async fn accepts_valid_token_and_reads_scopes() {
        let v = verifier().await;
        let p = v
            .verify(&sign(&claims(
                "openid hazy/TrainJob:create hazy/TrainJob:read",
            )))
            .await
            .unwrap();
        assert_eq!(p.subject, "svc-1");
        assert!(p.has("hazy/TrainJob:create") && p.has("hazy/TrainJob:read"));
        assert!(p.require("hazy/TrainJob:create").is_ok());
        let denied = p.require("hazy/TrainJob:cancel").unwrap_err();
        assert_eq!(denied.status.as_u16(), 403);
        assert_eq!(
            denied.body.required_scope.as_deref(),
            Some("hazy/TrainJob:cancel")
        );
        // A scope is matched whole, never by prefix.
        assert!(!p.has("hazy/TrainJob"));
    }

    #[tokio::test]
    async fn a_resource_wildcard_grants_that_resources_actions_only() {
        let v = verifier().await;
        let p = v
            .verify(&sign(&claims("openid hazy/TrainJob:* hazy/Model:read")))
            .await
            .unwrap();
        for action in ["create", "read", "cancel", "some-future-action"] {
            assert!(
                p.require(&format!("hazy/TrainJob:{action}")).is_ok(),
                "{action}"
            );
        }
        assert!(p.has("hazy/Model:read") && !p.has("hazy/Model:write"));
        // Another resource, even one whose name starts alike, still names its scope.
        for scope in [
            "hazy/GenerationJob:create",
            "hazy/TrainJobX:create",
            "hazy/Train:create",
        ] {
            let denied = p.require(scope).unwrap_err();
            assert_eq!(
                (
                    denied.status.as_u16(),
                    denied.body.required_scope.as_deref()
                ),
                (403, Some(scope))
            );
        }
        // Only a resource's wildcard is one: no `*` or `hazy/*`, and no wildcard action
        // without a resource.
        for wide in ["*", "hazy/*", ":*", "hazy/*:*"] {
            let p = v.verify(&sign(&claims(wide))).await.unwrap();
            assert!(!p.has("hazy/TrainJob:create"), "{wide}");
        }
        let p = v
            .verify(&sign(&claims("hazy/TrainJob:read")))
            .await
            .unwrap();
        assert!(
            !p.has("hazy/TrainJob:*"),
            "a single action does not grant the wildcard"
        );
    }

    #[tokio::test]
    async fn string_audience_and_azp_subject() {
        let v = verifier().await;
        let mut c = claims("");
        c["aud"] = json!("hazy-hub-backend");
        c.as_object_mut().unwrap().remove("sub");
        assert_eq!(v.verify(&sign(&c)).await.unwrap().subject, "api");
    }

    #[tokio::test]
    async fn rejects_bad_tokens() {
        let v = verifier().await;
        let mut c = claims("");
        c["aud"] = json!(["account"]);
        rejects(&v, &sign(&c), "audience does not include hazy-hub-backend").await;

        let mut c = claims("");
        c["iss"] = json!("http://evil/realms/hazy");
        rejects(&v, &sign(&c), "issuer").await;

        let mut c = claims("");
        c["exp"] = json!(now() - 60);
        rejects(&v, &sign(&c), "expired").await;

        let mut c = claims("");
        c["nbf"] = json!(now() + 60);
        rejects(&v, &sign(&c), "not yet valid").await;

        let mut c = claims("");
        c["typ"] = json!("Refresh");
        rejects(&v, &sign(&c), "not an access token").await;

        rejects(
            &v,
            &sign_with(&claims(""), OTHER_KEY, "test-key-1"),
            "signature",
        )
        .await;
        rejects(&v, "not-a-jwt", "malformed").await;

        // Flip one character of the payload.
        let t = sign(&claims("hazy/TrainJob:create"));
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        let flipped = if parts[1].ends_with('A') { 'B' } else { 'A' };
        parts[1].pop();
        parts[1].push(flipped);
        rejects(&v, &parts.join("."), "").await;

        let hs = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims(""),
            &EncodingKey::from_secret(b"k"),
        )
        .unwrap();
        rejects(&v, &hs, "RS256").await;
    }

    #[tokio::test]
    async fn leeway_tolerates_small_clock_skew() {
        let v = verifier().await;
        let mut c = claims("");
        c["exp"] = json!(now() - 2);
        c["nbf"] = json!(now() + 2);
        assert!(v.verify(&sign(&c)).await.is_ok());
    }

    #[tokio::test]
    async fn unknown_kid_is_rate_limited_not_refetched_each_time() {
        let v = verifier().await;
        // JWKS was just loaded, so no refetch is attempted: 401, not 503.
        rejects(
            &v,
            &sign_with(&claims(""), OTHER_KEY, "rotated"),
            "unknown key",
        )
        .await;
        // An encryption key of the JWKS never verifies signatures.
        let p = v
            .verify(&sign_with(&claims(""), KEY, "test-enc"))
            .await
            .unwrap_err();
        assert_eq!(p.status.as_u16(), 401);
    }

    #[tokio::test]
    async fn unreachable_jwks_is_503() {
        let v = Verifier::new(ISSUER, "hazy-hub-backend", "http://127.0.0.1:9/certs", 5);
        let p = v.verify(&sign(&claims(""))).await.unwrap_err();
        assert_eq!(
            (p.status.as_u16(), p.body.code.as_str()),
            (503, "unavailable")
        );
        assert!(p.header(&header::RETRY_AFTER).is_some());
    }

    #[tokio::test]
    async fn verified_token_is_cached_by_hash_and_skips_the_signature_check() {
        let v = verifier().await;
        let token = sign(&claims("hazy/TrainJob:read"));
        assert!(v.verify(&token).await.is_ok());
        assert_eq!(v.cached_tokens(), 1);
        // Without keys, only a cached token can still pass: proof the second call used
        // the cache, while a token not seen before is refused.
        v.load_jwks(&json!({"keys": []})).await;
        assert_eq!(v.verify(&token).await.unwrap().subject, "svc-1");
        rejects(&v, &sign(&claims("hazy/TrainJob:create")), "unknown key").await;
        // The key is the SHA-256 of the token, not the token.
        assert!(v.verified.get(&token_hash(&token)).is_some());
    }

    #[tokio::test]
    async fn cached_token_is_refused_once_the_clock_passes_exp() {
        let v = verifier().await;
        let clock = v.clock.clone();
        let mut c = claims("hazy/TrainJob:read");
        c["exp"] = json!(clock.now_s() + 60);
        let token = sign(&c);
        assert!(v.verify(&token).await.is_ok());
        assert!(v.verify(&token).await.is_ok());
        // Within the 5 s leeway it is still accepted, from the cache.
        clock.advance(Duration::from_secs(63));
        assert!(v.verify(&token).await.is_ok());
        clock.advance(Duration::from_secs(5));
        rejects(&v, &token, "expired").await;
        assert_eq!(v.cached_tokens(), 0, "an expired entry is dropped");
        // And not re-admitted by verifying its signature again.
        rejects(&v, &token, "expired").await;
        assert_eq!(v.cached_tokens(), 0);
    }

    #[tokio::test]
    async fn scope_is_checked_per_request_and_refused_tokens_are_not_cached() {
        let v = verifier().await;
        let token = sign(&claims("hazy/TrainJob:read"));
        for _ in 0..2 {
            let p = v.verify(&token).await.unwrap();
            assert!(p.require("hazy/TrainJob:read").is_ok());
            assert_eq!(
                p.require("hazy/TrainJob:create")
                    .unwrap_err()
                    .status
                    .as_u16(),
                403
            );
        }
        let mut c = claims("hazy/TrainJob:read");
        c["aud"] = json!("account");
        let wrong_audience = sign(&c);
        for _ in 0..2 {
            rejects(&v, &wrong_audience, "audience").await;
        }
        let mut c = claims("");
        c["nbf"] = json!(now() + 60);
        rejects(&v, &sign(&c), "not yet valid").await;
        assert_eq!(v.cached_tokens(), 1);
    }

    #[tokio::test]
    async fn cache_is_bounded() {
        let v = verifier().await.with_cache_capacity(2);
        for sub in ["a", "b", "c"] {
            let mut c = claims("");
            c["sub"] = json!(sub);
            assert_eq!(v.verify(&sign(&c)).await.unwrap().subject, sub);
        }
        assert_eq!(v.cached_tokens(), 2);
    }

    #[test]
    fn bearer_header_parsing() {
        let mut h = HeaderMap::new();
        assert!(bearer_token(&h).is_none());
        h.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert!(bearer_token(&h).is_none());
        h.insert(header::AUTHORIZATION, "bearer abc".parse().unwrap());
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, "Bearer ".parse().unwrap());
        assert!(bearer_token(&h).is_none());
    }
}
