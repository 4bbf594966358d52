package hazy

import (
	"strings"
	"testing"
	"time"
)

func TestVersion(t *testing.T) {
	if v := Version(); v == "" || v != headerVersion {
		t.Fatalf("Version() = %q, the header says %q", v, headerVersion)
	}
}

func TestAuthenticateClientCredentials(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := newClient(t)
	if n := c.TokenRequestCount(); n != 0 {
		t.Fatalf("token requests before Authenticate = %d, want 0", n)
	}
	if err := c.Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret}); err != nil {
		t.Fatal(err)
	}
	if n := c.TokenRequestCount(); n != 1 {
		t.Fatalf("token requests after Authenticate = %d, want 1", n)
	}
	token, err := c.AccessToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if parts := strings.Split(token, "."); len(parts) != 3 {
		t.Fatalf("access token is not a JWT: %d parts", len(parts))
	}
	project := newProject(t)
	jobs, err := c.ListJobs(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 0 {
		t.Fatalf("new project %s has %d jobs", project, len(jobs))
	}
	if n := c.TokenRequestCount(); n != 1 {
		t.Fatalf("token requests after ListJobs = %d, want 1 (cached token)", n)
	}
}

func TestAuthenticatePassword(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := newClient(t)
	err := c.Authenticate(ctx, Password{ClientID: apiID, ClientSecret: apiSecret, Username: analystUser, Password: analystPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListModels(ctx, newProject(t)); err != nil {
		t.Fatal(err)
	}
	if n := c.TokenRequestCount(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
}

func TestAuthenticateBearerToken(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	token, err := apiClient(t).AccessToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	if err := c.Authenticate(ctx, BearerToken(token)); err != nil {
		t.Fatal(err)
	}
	project := newProject(t)
	job, err := c.Train(ctx, project, minimalConfig)
	if err != nil {
		t.Fatal(err)
	}
	if job.ID == "" || job.ProjectID != project || job.Kind != "train" {
		t.Fatalf("job = %+v", job)
	}
	if n := c.TokenRequestCount(); n != 0 {
		t.Fatalf("a bearer-token client made %d token requests", n)
	}
}

// Authenticate(ctx, nil) uses the credentials configured through options.
func TestAuthenticateConfiguredOptions(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := newClient(t, WithClientCredentials(apiID, apiSecret), WithRealm("hazy"),
		WithTimeouts(5*time.Second, 20*time.Second), WithRetry(3, 100*time.Millisecond, 10*time.Second),
		WithUserAgent("hazy-go-test"), WithOption("client_auth", "basic"))
	if err := c.Authenticate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListJobs(ctx, newProject(t)); err != nil {
		t.Fatal(err)
	}

	// An explicit token URL, password grant configured through options.
	c2 := newClient(t, WithTokenURL(keycloakURL+"/realms/hazy/protocol/openid-connect/token"),
		WithOption("client_id", apiID), WithOption("client_secret", apiSecret),
		WithOption("username", analystUser), WithOption("password", analystPassword))
	if err := c2.Authenticate(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// WithAuthURL pointing straight at Keycloak (not through the simulator's proxy).
	c3 := newClient(t, WithAuthURL(keycloakURL))
	if err := c3.Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret}); err != nil {
		t.Fatal(err)
	}

	// Nothing configured: nil credentials are an invalid argument.
	err := newClient(t).Authenticate(ctx, nil)
	wantError(t, err, ErrInvalidArgument)
}

// NewClientFromEnv reads the HAZY_* variables; options win over them. (Not parallel:
// t.Setenv changes the whole process's environment.)
func TestNewClientFromEnv(t *testing.T) {
	ctx := timeout(t, time.Minute)
	t.Setenv("HAZY_HUB_HOST", hubURL)
	t.Setenv("HAZY_CLIENT_ID", apiID)
	t.Setenv("HAZY_CLIENT_SECRET", apiSecret)
	t.Setenv("HAZY_POLL_INTERVAL_MS", "100")
	c, err := NewClientFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Authenticate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	project := newProject(t)
	setJobDuration(t, project, 300*time.Millisecond)
	job, err := c.Train(ctx, project, minimalConfig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := job.Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// An option overrides the environment: a wrong realm makes authentication fail.
	c2, err := NewClientFromEnv(WithRealm("no-such-realm"))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	wantError(t, c2.Authenticate(ctx, nil), ErrNotFound)

	// A malformed variable is reported, naming it.
	t.Setenv("HAZY_CONNECT_TIMEOUT_MS", "soon")
	_, err = NewClientFromEnv()
	he := wantError(t, err, ErrInvalidArgument)
	if !strings.Contains(he.Message, "HAZY_CONNECT_TIMEOUT_MS") {
		t.Errorf("message %q does not name the variable", he.Message)
	}
}

// Tokens of api-short-lived live 5 s: the client renews them without being asked.
func TestTokenRenewal(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := newClient(t)
	if err := c.Authenticate(ctx, ClientCredentials{ID: shortLivedID, Secret: shortLivedSecret}); err != nil {
		t.Fatal(err)
	}
	project := newProject(t)
	if _, err := c.ListJobs(ctx, project); err != nil {
		t.Fatal(err)
	}
	time.Sleep(6 * time.Second)
	if _, err := c.ListJobs(ctx, project); err != nil {
		t.Fatalf("after the first token expired: %v", err)
	}
	if n := c.TokenRequestCount(); n < 2 {
		t.Fatalf("token requests = %d, want a renewal (>= 2)", n)
	}
}
