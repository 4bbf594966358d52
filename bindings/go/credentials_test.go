package hazy

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// How each kind of credentials and each credential option reaches the token endpoint: a
// stand-in for Keycloak records the form it is sent. What Keycloak does with it (grants,
// refusals, refresh, expiry, private_key_jwt, the environment) is tested once, in
// tests/token_lifecycle.rs and tests/integration/test_keycloak_auth.py and
// test_private_key_jwt.py; the one authentication against the real Keycloak is in
// TestTrainWaitListGenerate.

// tokenEndpoint records each token request's path and form and grants "token-N" for the
// N-th request.
type tokenEndpoint struct {
	*httptest.Server
	mu       sync.Mutex
	requests []tokenRequest
}

type tokenRequest struct {
	path string
	form url.Values
}

func newTokenEndpoint(t *testing.T) *tokenEndpoint {
	e := &tokenEndpoint{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.requests = append(e.requests, tokenRequest{r.URL.Path, r.PostForm})
		n := len(e.requests)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"token-%d","token_type":"Bearer","expires_in":300}`, n)
	}))
	t.Cleanup(e.Close)
	return e
}

// authenticate authenticates a new client made with opts, checks that it sent one token
// request and uses the token it was granted, and returns that request.
func (e *tokenEndpoint) authenticate(t *testing.T, creds Credentials, opts ...Option) tokenRequest {
	t.Helper()
	ctx := timeout(t, time.Minute)
	c := newClient(t, append([]Option{WithHost(e.URL), WithTokenURL(e.URL + "/token")}, opts...)...)
	if err := c.Authenticate(ctx, creds); err != nil {
		t.Fatalf("Authenticate(%v): %v", creds, err)
	}
	token, err := c.AccessToken(ctx)
	e.mu.Lock()
	defer e.mu.Unlock()
	if want := fmt.Sprintf("token-%d", len(e.requests)); err != nil || token != want || c.TokenRequestCount() != 1 {
		t.Fatalf("%v: token %q (%v) after %d requests, want %q after 1", creds, token, err, c.TokenRequestCount(), want)
	}
	return e.requests[len(e.requests)-1]
}

// wantForm checks that form holds exactly want's keys among those of want and absent, with
// want's values.
func wantForm(t *testing.T, what string, form url.Values, want map[string]string, absent ...string) {
	t.Helper()
	for k, v := range want {
		if got := form.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q (form %v)", what, k, got, v, form)
		}
	}
	for _, k := range absent {
		if form.Has(k) {
			t.Errorf("%s: sent %s (form %v)", what, k, form)
		}
	}
}

func TestCredentialsReachTheTokenEndpoint(t *testing.T) {
	t.Parallel()
	e := newTokenEndpoint(t)
	// Non-ASCII values cross the C boundary as UTF-8.
	const id, secret, user, password = "go-client-é", "s3cret-ü", "analyst-ø", "pässword"
	r := e.authenticate(t, ClientCredentials{ID: id, Secret: secret})
	wantForm(t, "ClientCredentials", r.form, map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": secret})
	r = e.authenticate(t, Password{ClientID: id, ClientSecret: secret, Username: user, Password: password})
	wantForm(t, "Password", r.form, map[string]string{"grant_type": "password", "client_id": id, "client_secret": secret,
		"username": user, "password": password})
	r = e.authenticate(t, Password{ClientID: id, Username: user, Password: password})
	wantForm(t, "Password of a public client", r.form, map[string]string{"grant_type": "password", "client_id": id,
		"username": user, "password": password}, "client_secret")

	// Credentials configured through options, for Authenticate(ctx, nil).
	r = e.authenticate(t, nil, WithClientCredentials(id, secret))
	wantForm(t, "WithClientCredentials", r.form, map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": secret})
	r = e.authenticate(t, nil, WithClientCredentials(id, secret), WithOption("username", user), WithOption("password", password))
	wantForm(t, "options of the password grant", r.form, map[string]string{"grant_type": "password", "username": user, "password": password})

	// The token endpoint under WithAuthURL and WithRealm.
	r = e.authenticate(t, ClientCredentials{ID: id, Secret: secret}, WithTokenURL(""), WithAuthURL(e.URL), WithRealm("go-realm"))
	if r.path != "/realms/go-realm/protocol/openid-connect/token" {
		t.Errorf("WithAuthURL and WithRealm: the token request went to %s", r.path)
	}
}

// WithPrivateKeyJWT signs an assertion with the key in the file instead of sending a secret.
func TestPrivateKeyJWTOption(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newTokenEndpoint(t)
	r := e.authenticate(t, nil, WithPrivateKeyJWT("go-jwt-client", path))
	wantForm(t, "WithPrivateKeyJWT", r.form, map[string]string{"grant_type": "client_credentials",
		"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_secret")
	if parts := strings.Split(r.form.Get("client_assertion"), "."); len(parts) != 3 {
		t.Errorf("client_assertion %q is not a JWT", r.form.Get("client_assertion"))
	}

	missing := filepath.Join(t.TempDir(), "missing.pem")
	_, err = NewClient(e.URL, WithPrivateKeyJWT("go-jwt-client", missing))
	if he := wantError(t, err, ErrInvalidArgument); !strings.Contains(he.Message, missing) {
		t.Errorf("message %q does not name the key file", he.Message)
	}
}

// WithTokenCache reaches the library: the first client writes the file, and a missing
// directory is refused. How processes share the file is tested in tests/token_cache.rs and
// tests/cli/test_token_cache.py.
func TestTokenCacheOption(t *testing.T) {
	t.Parallel()
	e := newTokenEndpoint(t)
	path := filepath.Join(t.TempDir(), "tokens.json")
	e.authenticate(t, ClientCredentials{ID: "go-cache", Secret: "s3cret"}, WithTokenCache(path))
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the token cache file: %v, %v", info, err)
	}
	missing := filepath.Join(t.TempDir(), "missing", "tokens.json")
	_, err := NewClient(e.URL, WithTokenCache(missing))
	if he := wantError(t, err, ErrInvalidArgument); !strings.Contains(he.Message, "token_cache") {
		t.Errorf("message %q does not name the option", he.Message)
	}
}

// A bearer token is used as given, with no token request.
func TestBearerToken(t *testing.T) {
	t.Parallel()
	e := newTokenEndpoint(t)
	c := newClient(t, WithHost(e.URL), WithTokenURL(e.URL+"/token"))
	if err := c.Authenticate(context.Background(), BearerToken("given.bearer.token")); err != nil {
		t.Fatal(err)
	}
	if token, err := c.AccessToken(context.Background()); err != nil || token != "given.bearer.token" {
		t.Fatalf("AccessToken = %q, %v", token, err)
	}
	if n := c.TokenRequestCount(); n != 0 {
		t.Fatalf("a bearer-token client made %d token requests", n)
	}
}

// Logout reaches libhazy and maps its statuses: after a password grant against the real
// Keycloak it succeeds; a bearer-token client has no session to end. What Keycloak does with
// it is tested in tests/integration/test_logout.py.
func TestLogout(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := newClient(t)
	if err := c.Authenticate(ctx, Password{ClientID: apiID, ClientSecret: apiSecret, Username: analystUser, Password: analystPassword}); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout after a password grant: %v", err)
	}
	bearer := newClient(t)
	if err := bearer.Authenticate(ctx, BearerToken("given.bearer.token")); err != nil {
		t.Fatal(err)
	}
	if he := wantError(t, bearer.Logout(ctx), ErrInvalidArgument); he.Op != "logout" {
		t.Errorf("Logout of a bearer-token client: op %q", he.Op)
	}
}

// NewClientFromEnv reads the HAZY_* variables; options win over them. (Not parallel:
// t.Setenv changes the whole process's environment.)
func TestNewClientFromEnv(t *testing.T) {
	e := newTokenEndpoint(t)
	t.Setenv("HAZY_HUB_HOST", e.URL)
	t.Setenv("HAZY_TOKEN_URL", e.URL+"/token")
	t.Setenv("HAZY_CLIENT_ID", "env-id")
	t.Setenv("HAZY_CLIENT_SECRET", "env-secret")
	for want, opts := range map[string][]Option{"env-id": nil, "option-id": {WithOption("client_id", "option-id")}} {
		c, err := NewClientFromEnv(opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Authenticate(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		e.mu.Lock()
		wantForm(t, "NewClientFromEnv", e.requests[len(e.requests)-1].form, map[string]string{"client_id": want, "client_secret": "env-secret"})
		e.mu.Unlock()
	}

	// A malformed variable is reported, naming it.
	t.Setenv("HAZY_CONNECT_TIMEOUT_MS", "soon")
	_, err := NewClientFromEnv()
	if he := wantError(t, err, ErrInvalidArgument); !strings.Contains(he.Message, "HAZY_CONNECT_TIMEOUT_MS") {
		t.Errorf("message %q does not name the variable", he.Message)
	}
}
