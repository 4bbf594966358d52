package hazy

import (
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
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
// WithOption("insecure_skip_tls_verify", "true"). The keys are those of hazy_options_set:
// hazy.h and docs/configuration.md list them all, with their HAZY_* variables. The typed
// With... options are shortcuts for the common ones.
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

// WithClientSecretFile reads the client secret from a file (client_secret_file) instead of
// taking it as a value, for Authenticate(ctx, nil) with a client id (WithOption("client_id",
// ...) or WithPrivateKeyJWT's). The file is read again for every grant, so a secret that Vault
// Agent, CyberArk or a Kubernetes Secret rotates is used without a restart; trailing newlines
// are trimmed, and a file that group or others can read gets a warning. A missing or empty
// file fails the grant with ErrInvalidArgument, naming the path but never the content. Not
// with a client secret set as a value.
func WithClientSecretFile(path string) Option { return WithOption("client_secret_file", path) }

// WithPasswordFile reads the password of the password grant from a file (password_file),
// read again for every grant as WithClientSecretFile's. The user is WithOption("username",
// ...). Not with a password set as a value.
func WithPasswordFile(path string) Option { return WithOption("password_file", path) }

// WithAccessTokenFile reads a bearer token obtained elsewhere from a file (access_token_file),
// for Authenticate(ctx, nil). The file is read again when the Hub rejects the token, so a
// token that another process renews is picked up. Not with an access token set as a value.
func WithAccessTokenFile(path string) Option { return WithOption("access_token_file", path) }

// WithCredentialCommand runs a program for every grant, as AWS's credential_process: it
// prints {"client_secret": "..."}, or {"access_token": "...", "expires_at": ...} (RFC 3339
// or unix seconds) as JSON. command is split into words as a POSIX shell would, without
// running a shell or expanding anything (WithCredentialCommandArgs takes the words
// themselves, WithCredentialCommandShell runs a shell). The command's stderr is never shown.
// A failed start, a non-zero exit or bad output fails the grant with ErrAuth or
// ErrInvalidArgument, never with a secret in the message; it is killed after 10 s
// (WithCredentialCommandTimeout). Not with a client secret or access token (value or file).
func WithCredentialCommand(command string) Option {
	return withOptions("credential_command", command, "credential_command_shell", "false")
}

// WithCredentialCommandArgs is WithCredentialCommand with the program and its arguments
// given as words, as exec.Command takes them: no quoting needed.
func WithCredentialCommandArgs(program string, args ...string) Option {
	words, _ := json.Marshal(append([]string{program}, args...)) // strings always marshal
	return withOptions("credential_command", string(words), "credential_command_shell", "false")
}

// WithCredentialCommandShell is WithCredentialCommand with command run by the system shell
// (/bin/sh -c, cmd /C on Windows): pipes, variables and the like work.
func WithCredentialCommandShell(command string) Option {
	return withOptions("credential_command", command, "credential_command_shell", "true")
}

// WithCredentialCommandTimeout sets how long the credential command may run before it is
// killed and the grant fails with ErrTimeout (default 10 s).
func WithCredentialCommandTimeout(d time.Duration) Option {
	return func(s *settings) { s.millis("credential_command_timeout_ms", d) }
}

// WithPrivateKeyPassphraseFile names the file holding the passphrase of an encrypted
// private_key_jwt key (WithPrivateKeyJWT's keyPath: an encrypted PKCS#8 PEM key, or a PKCS#12
// bundle). It is read with the key, again for every grant, so both may rotate. A wrong
// passphrase fails with ErrInvalidArgument naming the path, never the passphrase.
func WithPrivateKeyPassphraseFile(path string) Option {
	return WithOption("client_private_key_passphrase_file", path)
}

// WithClientKeyPassphraseFile names the file holding the passphrase of WithClientCertificate's
// key when it is an encrypted PKCS#8 PEM key. It is read with the key, whenever a new
// connection reads the certificate and key files again.
func WithClientKeyPassphraseFile(path string) Option {
	return WithOption("client_key_passphrase_file", path)
}

// WithClientCertificateP12 presents a TLS client certificate (mutual TLS) from a PKCS#12
// bundle (.p12 or .pfx: the key, the certificate and its chain) instead of
// WithClientCertificate's PEM files. passphraseFile holds the bundle's passphrase ("" for
// none). Both files are read again when a new connection is made, so a rotated certificate
// is used without a restart. A missing file or a wrong passphrase makes NewClient fail with
// ErrInvalidArgument naming the path, never the passphrase.
func WithClientCertificateP12(path, passphraseFile string) Option {
	return withOptions("client_cert_p12", path, "client_cert_p12_passphrase_file", passphraseFile)
}

// WithProxy sends this client's requests through a proxy, an http:// or https:// URL
// without credentials (WithProxyAuth gives them). It overrides HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY for this client only; other clients in the process keep their own. A proxy that
// refuses the client's credentials (407) fails calls with ErrProxyAuth.
func WithProxy(url string) Option { return WithOption("proxy", url) }

// WithNoProxy lists the hosts, domains (".example.com") and IP ranges ("10.0.0.0/8") that
// WithProxy's client reaches directly, with NO_PROXY's rules. Each argument may itself be a
// comma-separated list.
func WithNoProxy(hosts ...string) Option { return WithOption("no_proxy", strings.Join(hosts, ",")) }

// WithProxyAuth authenticates to WithProxy's proxy with Basic authentication: username, and
// the password read from passwordFile (trailing newlines trimmed) when the client is made.
// An unreadable file makes NewClient fail with ErrInvalidArgument naming the path.
func WithProxyAuth(username, passwordFile string) Option {
	return withOptions("proxy_username", username, "proxy_password_file", passwordFile)
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
