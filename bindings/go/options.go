package hazy

import (
	"log/slog"
	"strconv"
	"time"
)

// An Option configures a Client; pass options to NewClient or NewClientFromEnv. Later
// options win over earlier ones, and over the environment.
type Option func(*settings)

type setting struct{ key, value string }

type settings struct {
	list   []setting
	logger *slog.Logger // WithLogger
	err    error
}

func (s *settings) set(key, value string) { s.list = append(s.list, setting{key, value}) }

func (s *settings) millis(key string, d time.Duration) {
	if d < 0 {
		if s.err == nil {
			s.err = invalidArgument("new client", "option %s: negative duration %v", key, d)
		}
		return
	}
	ms := d.Milliseconds()
	if d > 0 && ms == 0 {
		ms = 1 // round a sub-millisecond duration up, not down to "unset"
	}
	s.set(key, strconv.FormatInt(ms, 10))
}

// WithOption sets any libhazy option by its key, e.g. WithOption("client_auth", "basic") or
// WithOption("insecure_skip_tls_verify", "true"). The keys are those of hazy_options_set in
// hazy.h: host, realm, auth_url, token_url, client_id, client_secret, username, password,
// access_token, audience, scope, client_auth, client_private_key, client_key_id,
// client_assertion_alg, client_assertion_audience, client_cert, client_key,
// connect_timeout_ms, request_timeout_ms, ca_bundle, insecure_skip_tls_verify, user_agent, token_refresh_margin_s, token_cache,
// retry_max_attempts, retry_base_delay_ms, retry_max_elapsed_ms, poll_interval_ms,
// traceparent.
// An unknown key or a malformed value makes NewClient fail with ErrInvalidArgument.
// An empty value clears an optional setting.
func WithOption(key, value string) Option { return withOptions(key, value) }

// withOptions sets several options: keys and values in turn.
func withOptions(keysAndValues ...string) Option {
	return func(s *settings) {
		for i := 0; i+1 < len(keysAndValues); i += 2 {
			s.set(keysAndValues[i], keysAndValues[i+1])
		}
	}
}

// WithHost sets the Hub's base URL (useful with NewClientFromEnv; NewClient takes it as
// its first argument).
func WithHost(url string) Option { return WithOption("host", url) }

// WithRealm sets the Keycloak realm (default "hazy").
func WithRealm(realm string) Option { return WithOption("realm", realm) }

// WithAuthURL sets Keycloak's base URL (default HOST/auth); the token endpoint is
// AUTH_URL/realms/REALM/protocol/openid-connect/token.
func WithAuthURL(url string) Option { return WithOption("auth_url", url) }

// WithTokenURL sets the full token endpoint URL, overriding host, auth URL and realm.
func WithTokenURL(url string) Option { return WithOption("token_url", url) }

// WithClientCredentials stores a client id and secret in the client, for
// Authenticate(ctx, nil). Passing ClientCredentials to Authenticate is equivalent.
func WithClientCredentials(id, secret string) Option {
	return withOptions("client_id", id, "client_secret", secret)
}

// WithPrivateKeyJWT makes the client authenticate to Keycloak with a JWT signed by its
// private key instead of a client secret (private_key_jwt, RFC 7523; Keycloak's "Signed
// JWT"), for Authenticate(ctx, nil) and for the refresh grant. keyPath is a PEM file: an RSA
// key (PKCS#1 or PKCS#8, signed with RS256) or an EC P-256/P-384 key (PKCS#8, ES256/ES384).
// A missing, unreadable or unusable file makes NewClient fail with ErrInvalidArgument, naming
// the path but never the key. Combine with WithOption("username", ...) and
// WithOption("password", ...) for the password grant.
func WithPrivateKeyJWT(clientID, keyPath string) Option {
	return withOptions("client_id", clientID, "client_auth", "private_key_jwt", "client_private_key", keyPath)
}

// WithClientKeyID sets the "kid" header of private_key_jwt assertions, for a client whose
// keys Keycloak reads from a JWKS.
func WithClientKeyID(kid string) Option { return WithOption("client_key_id", kid) }

// WithClientAssertionAlgorithm sets the private_key_jwt signing algorithm: RS256 (the
// default for RSA keys), RS384, RS512, PS256, PS384, PS512, or ES256/ES384 (the EC key's
// curve decides).
func WithClientAssertionAlgorithm(alg string) Option { return WithOption("client_assertion_alg", alg) }

// WithClientCertificate presents a TLS client certificate (mutual TLS) to every server that
// asks for one: Keycloak, the Hub, or a TLS proxy in front of them. certPath holds the PEM
// certificate (and any intermediates), keyPath its PEM private key. A server that requires a
// certificate and gets none fails calls with ErrTLS.
func WithClientCertificate(certPath, keyPath string) Option {
	return withOptions("client_cert", certPath, "client_key", keyPath)
}

// WithAudience sets the "audience" parameter of the password grant.
func WithAudience(audience string) Option { return WithOption("audience", audience) }

// WithScope sets the "scope" parameter of token requests.
func WithScope(scope string) Option { return WithOption("scope", scope) }

// WithTimeouts sets the TCP+TLS connect timeout (default 10 s) and the per-request timeout
// (default 30 s). A zero duration keeps the default. The request timeout is what bounds a
// call that a context can no longer stop once it has started (see the package doc).
func WithTimeouts(connect, request time.Duration) Option {
	return func(s *settings) {
		if connect != 0 {
			s.millis("connect_timeout_ms", connect)
		}
		if request != 0 {
			s.millis("request_timeout_ms", request)
		}
	}
}

// WithCABundle adds the CA certificates of a PEM file to the system roots, for a Hub or
// Keycloak behind a private CA. An unreadable file makes NewClient fail.
func WithCABundle(path string) Option { return WithOption("ca_bundle", path) }

// WithPollInterval sets how often Job.Wait polls the job's state (default 1 s, at least
// 10 ms).
func WithPollInterval(d time.Duration) Option {
	return func(s *settings) { s.millis("poll_interval_ms", d) }
}

// WithRetry sets the retry policy for failed requests: attempts per request including the
// first (default 4; 1 disables retries), the first backoff delay (default 200 ms, doubled
// per retry), and how long after the first attempt no retry starts (default 30 s). Zero
// values keep the defaults.
func WithRetry(maxAttempts int, baseDelay, maxElapsed time.Duration) Option {
	return func(s *settings) {
		if maxAttempts != 0 {
			s.set("retry_max_attempts", strconv.Itoa(maxAttempts))
		}
		if baseDelay != 0 {
			s.millis("retry_base_delay_ms", baseDelay)
		}
		if maxElapsed != 0 {
			s.millis("retry_max_elapsed_ms", maxElapsed)
		}
	}
}

// WithTokenCache shares tokens with other processes through the file at path (the
// token_cache option, HAZY_TOKEN_CACHE): a client finds a valid token there instead of asking
// Keycloak, and processes started together make one token request. The file is created with
// mode 0600; its directory must exist and only the user may write to it. A file that others
// could read is refused with a warning, and the client works without it. A missing directory
// makes NewClient fail with ErrInvalidArgument, as does any path on Windows, which has no
// cache. See docs/authentication.md.
func WithTokenCache(path string) Option { return WithOption("token_cache", path) }

// WithUserAgent sets the User-Agent header (default libhazy/VERSION).
func WithUserAgent(ua string) Option { return WithOption("user_agent", ua) }
