package hazy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each sentinel matches exactly the errors of its status, through wrapping too. (PANIC
// cannot be provoked from outside libhazy: this checks its mapping.)
func TestSentinels(t *testing.T) {
	for i, sentinel := range allSentinels {
		status := Status(i + 1)
		err := fmt.Errorf("context: %w", &Error{Op: "x", Status: status, Message: "m"})
		for _, other := range allSentinels {
			if got := errors.Is(err, other); got != (other == sentinel) {
				t.Errorf("errors.Is(%v error, %v) = %v", status, other, got)
			}
		}
		if sentinel.Error() != "hazy: "+status.String() {
			t.Errorf("sentinel text %q", sentinel.Error())
		}
	}
	if errors.Is(&Error{Status: StatusAuth}, sliceError{"a"}) { // must not panic either
		t.Error("an *Error matches an unrelated error")
	}
	if errors.Is(&Error{Status: StatusInvalidState}, ErrClosed) || errors.Is(&Error{Status: StatusClosed}, ErrInvalidState) {
		t.Error("INVALID_STATE and CLOSED errors are not told apart")
	}
	e := &Error{Op: "train", Status: StatusForbidden, Message: "no", HTTPStatus: 403, OAuthError: "insufficient_scope", Field: "hazy/TrainJob:create"}
	want := "hazy: train: FORBIDDEN: no (HTTP 403, error insufficient_scope, field hazy/TrainJob:create)"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

// sliceError is an error type that cannot be compared or hashed.
type sliceError []string

func (sliceError) Error() string { return "slice error" }

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, 2*time.Minute)
	const wrongSecret = "Zq7-not-the-secret-91"
	cases := []struct {
		name  string
		creds Credentials
		codes []string // acceptable OAuth error codes
	}{
		{"wrong client secret", ClientCredentials{ID: apiID, Secret: wrongSecret}, []string{"unauthorized_client", "invalid_client"}},
		{"unknown client", ClientCredentials{ID: "no-such-client", Secret: wrongSecret}, []string{"unauthorized_client", "invalid_client"}},
		{"no service account", ClientCredentials{ID: noServiceAccountID, Secret: noServiceSecret}, []string{"unauthorized_client", "invalid_client"}},
		{"wrong password", Password{ClientID: apiID, ClientSecret: apiSecret, Username: analystUser, Password: wrongSecret}, []string{"invalid_grant"}},
		{"disabled user", Password{ClientID: apiID, ClientSecret: apiSecret, Username: disabledUser, Password: disabledPassword}, []string{"invalid_grant"}},
	}
	for _, tc := range cases {
		err := newClient(t).Authenticate(ctx, tc.creds)
		he := wantError(t, err, ErrAuth)
		if he.HTTPStatus != 400 && he.HTTPStatus != 401 {
			t.Errorf("%s: HTTP status %d", tc.name, he.HTTPStatus)
		}
		ok := false
		for _, code := range tc.codes {
			ok = ok || he.OAuthError == code
		}
		if !ok {
			t.Errorf("%s: OAuth error %q, want one of %v", tc.name, he.OAuthError, tc.codes)
		}
		if strings.Contains(err.Error(), wrongSecret) {
			t.Errorf("%s: the error shows the secret: %v", tc.name, err)
		}
		if he.Op != "authenticate" {
			t.Errorf("%s: Op = %q", tc.name, he.Op)
		}
	}

	// Keycloak accepts api-no-audience, the Hub does not (401 -> AUTH).
	c := newClient(t)
	if err := c.Authenticate(ctx, ClientCredentials{ID: noAudienceID, Secret: noAudienceSecret}); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListJobs(ctx, newProject(t))
	if he := wantError(t, err, ErrAuth); he.HTTPStatus != 401 {
		t.Errorf("no audience: HTTP status %d, want 401", he.HTTPStatus)
	}

	// A bearer token the Hub does not accept.
	c = newClient(t)
	if err := c.Authenticate(ctx, BearerToken("not.a.token")); err != nil {
		t.Fatal(err)
	}
	_, err = c.Train(ctx, newProject(t), minimalConfig)
	wantError(t, err, ErrAuth)
}

func TestForbidden(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := newClient(t)
	if err := c.Authenticate(ctx, ClientCredentials{ID: noTrainID, Secret: noTrainSecret}); err != nil {
		t.Fatal(err)
	}
	project := newProject(t)
	_, err := c.Train(ctx, project, minimalConfig)
	wantRefused(t, err, ErrForbidden, "hazy/TrainJob:create", 403, project)
}

// wantRefused checks that the Hub refused a submission to project with this error, field and
// HTTP status, and that it created no job there.
func wantRefused(t *testing.T, err, sentinel error, field string, httpStatus int, project string) {
	t.Helper()
	he := wantError(t, err, sentinel)
	if he.Field != field || he.HTTPStatus != httpStatus {
		t.Errorf("field %q, HTTP %d; want %q, %d", he.Field, he.HTTPStatus, field, httpStatus)
	}
	if n := stats(t, project).JobsTotal; n != 0 {
		t.Errorf("a refused submission created %d jobs", n)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := apiClient(t)
	_, err := c.Job("no-such-job").Status(ctx)
	if he := wantError(t, err, ErrNotFound); he.HTTPStatus != 404 {
		t.Errorf("unknown job: HTTP %d", he.HTTPStatus)
	}
	_, err = c.Job("no-such-job").Cancel(ctx)
	wantError(t, err, ErrNotFound)
	_, err = c.Job("no-such-job").Wait(ctx, nil)
	wantError(t, err, ErrNotFound)
	_, err = c.Generate(ctx, newProject(t), "no-such-model", 10, nil)
	wantError(t, err, ErrNotFound)

	// Unknown realm, through the simulator's proxy and straight at Keycloak.
	err = newClient(t, WithRealm("no-such-realm")).Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret})
	wantError(t, err, ErrNotFound)
	err = newClient(t, WithAuthURL(keycloakURL), WithRealm("no-such-realm")).Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret})
	wantError(t, err, ErrNotFound)
}

func TestValidation(t *testing.T) {
	ctx, c, project := begin(t, time.Minute)

	// Checked locally: nothing reaches the Hub.
	local := []struct {
		cfg   any
		field string
	}{
		{`{"data_input":[]}`, "data_schema"},
		{map[string]any{"data_schema": map[string]any{}, "data_input": []any{}}, "data_schema.tables"},
		{[]byte(`{"data_schema":{"tables":[]}}`), "data_input"},
		{`{not json`, ""},
		{`[1,2]`, ""},
	}
	for _, tc := range local {
		_, err := c.Train(ctx, project, tc.cfg)
		he := wantError(t, err, ErrValidation)
		if he.Field != tc.field || he.HTTPStatus != 0 {
			t.Errorf("config %v: field %q, HTTP %d; want %q, 0", tc.cfg, he.Field, he.HTTPStatus, tc.field)
		}
	}
	if s := stats(t, project); s.RequestsTotal != 0 {
		t.Errorf("locally refused configs sent %d requests: %v", s.RequestsTotal, s.Requests)
	}

	// Refused by the Hub (422).
	_, err := c.Train(ctx, project, `{"data_schema":{"tables":[]},"data_input":[],"model_parameters":{"generator":{"epsilon":"x"}}}`)
	wantRefused(t, err, ErrValidation, "model_parameters.generator.epsilon", 422, project)
}

func TestInvalidArgument(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	_, err := NewClient(hubURL, WithOption("no_such_option", "1"))
	if he := wantError(t, err, ErrInvalidArgument); !strings.Contains(he.Message, "no_such_option") {
		t.Errorf("message %q does not name the option", he.Message)
	}
	_, err = NewClient(hubURL, WithTimeouts(-time.Second, 0))
	wantError(t, err, ErrInvalidArgument)
	_, err = NewClient(hubURL, WithOption("poll_interval_ms", "often"))
	wantError(t, err, ErrInvalidArgument)
	_, err = NewClient("not a url")
	wantError(t, err, ErrInvalidArgument)

	c := apiClient(t)
	project := newProject(t)
	for name, call := range map[string]func() error{
		"empty project":        func() error { _, err := c.Train(ctx, "", minimalConfig); return err },
		"NUL in project":       func() error { _, err := c.Train(ctx, "a\x00b", minimalConfig); return err },
		"nil config":           func() error { _, err := c.Train(ctx, project, nil); return err },
		"unmarshalable config": func() error { _, err := c.Train(ctx, project, map[string]any{"c": make(chan int)}); return err },
		"negative rows":        func() error { _, err := c.Generate(ctx, project, "m", -1, nil); return err },
		"empty job id":         func() error { _, err := c.Job("").Status(ctx); return err },
		"empty secret":         func() error { return newClient(t).Authenticate(ctx, ClientCredentials{ID: apiID}) },
		"zero Job":             func() error { _, err := (&Job{ID: "x"}).Wait(ctx, nil); return err },
		"nil Client":           func() error { _, err := (*Client)(nil).ListJobs(ctx, project); return err },
	} {
		if err := call(); err == nil || !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: got %v, want ErrInvalidArgument", name, err)
		}
	}
	if s := stats(t, project); s.RequestsTotal != 0 {
		t.Errorf("invalid arguments sent %d requests", s.RequestsTotal)
	}
}

func TestNetworkErrors(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	// A closed port.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	c := newClient(t, WithOption("host", closed), WithRetry(1, 0, 0))
	err = c.Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret})
	wantError(t, err, ErrNetwork)

	// The connection is dropped after the request was processed, every time.
	c = apiClient(t, WithRetry(2, 10*time.Millisecond, 0))
	project := newProject(t)
	fault(t, map[string]any{"path_prefix": "/api/v1/projects/" + project + "/", "method": "GET", "kind": "drop", "count": 2})
	_, err = c.ListJobs(ctx, project)
	wantError(t, err, ErrNetwork)
}

func TestTimeoutError(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := apiClient(t, WithTimeouts(0, 300*time.Millisecond), WithRetry(1, 0, 0))
	project := newProject(t)
	fault(t, map[string]any{"path_prefix": "/api/v1/projects/" + project + "/", "method": "GET", "kind": "latency", "latency_ms": 3000, "count": 1})
	start := time.Now()
	_, err := c.ListJobs(ctx, project)
	wantError(t, err, ErrTimeout)
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("a 300 ms request timeout took %v", d)
	}
}

func TestServerAndProtocolErrors(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := apiClient(t, WithRetry(2, 10*time.Millisecond, 0))
	project := newProject(t)
	prefix := "/api/v1/projects/" + project + "/"
	fault(t, map[string]any{"path_prefix": prefix, "method": "GET", "kind": "status", "status": 503, "retry_after_s": 0, "count": 2})
	_, err := c.ListJobs(ctx, project)
	if he := wantError(t, err, ErrServer); he.HTTPStatus != 503 {
		t.Errorf("HTTP status %d, want 503", he.HTTPStatus)
	}
	fault(t, map[string]any{"path_prefix": prefix, "method": "GET", "kind": "status", "status": 418, "count": 1})
	_, err = c.ListModels(ctx, project)
	wantError(t, err, ErrProtocol)
	// The faults are used up: the same calls now succeed.
	if _, err := c.ListJobs(ctx, project); err != nil {
		t.Fatal(err)
	}
}

// tlsServer starts an HTTPS server that answers 404 to everything, with a certificate for
// 127.0.0.1 issued by a fresh private CA; it returns the server and the CA's PEM.
func tlsServer(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "hazy-go-test CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caKey, caDER, caCert := issue(t, caTemplate, nil, nil)
	leafKey, leafDER, _ := issue(t, &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, caCert, caKey)
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

// issue makes a fresh P-256 key and a certificate of template for it, valid for an hour either
// side of now, signed by parent (self-signed when parent is nil).
func issue(t *testing.T, template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, []byte, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template.NotBefore, template.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, der, cert
}

func TestTLSErrors(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	srv, caPEM := tlsServer(t)

	// A certificate nobody vouches for.
	err := newClient(t, WithOption("host", srv.URL), WithRetry(1, 0, 0)).
		Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret})
	wantError(t, err, ErrTLS)

	// With its CA in a bundle the handshake succeeds; the server then answers 404.
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	err = newClient(t, WithOption("host", srv.URL), WithCABundle(bundle), WithRetry(1, 0, 0)).
		Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret})
	wantError(t, err, ErrNotFound)

	// An unreadable bundle is refused when the client is made.
	_, err = NewClient(srv.URL, WithCABundle(filepath.Join(t.TempDir(), "missing.pem")))
	wantError(t, err, ErrInvalidArgument)
}

func TestJobFailed(t *testing.T) {
	ctx, c, project := begin(t, time.Minute)
	setJobDuration(t, project, 300*time.Millisecond)
	cfg := strings.Replace(minimalConfig, `"location":"s3://b/t.csv"`, `"location":"sim://fail/t.csv"`, 1)
	if cfg == minimalConfig {
		t.Fatal("the failing config is the minimal one")
	}
	job, err := c.Train(ctx, project, cfg)
	if err != nil {
		t.Fatal(err)
	}
	last, err := job.Wait(ctx, nil)
	he := wantError(t, err, ErrJobFailed)
	if last.State != StateFailed || last.FailureReason == "" || last.ID != job.ID {
		t.Fatalf("last snapshot %+v, want a failed job with a reason", last)
	}
	if !strings.Contains(he.Message, "sim://fail/t.csv") {
		t.Errorf("message %q does not carry the Hub's reason %q", he.Message, last.FailureReason)
	}
	st, err := job.Status(ctx)
	if err != nil || st.State != StateFailed || st.FailureReason != last.FailureReason {
		t.Fatalf("Status = %+v, %v", st, err)
	}
}
