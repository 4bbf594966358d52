package hazy

import (
	"errors"
	"os"
	"testing"
	"time"
)

// TestPrivateKeyJWT authenticates as the realm's Signed JWT client with the key the test stack
// made (tests/stack/signed_jwt.py), and lists jobs with the token; a key Keycloak does not know
// is ErrAuth. Behaviour is tested in depth once, by tests/integration/test_private_key_jwt.py.
func TestPrivateKeyJWT(t *testing.T) {
	t.Parallel()
	id, key := os.Getenv("HAZY_TEST_JWT_CLIENT_ID"), os.Getenv("HAZY_TEST_JWT_PRIVATE_KEY")
	ecKey := os.Getenv("HAZY_TEST_JWT_EC_PRIVATE_KEY")
	if id == "" || key == "" || ecKey == "" {
		t.Fatal("HAZY_TEST_JWT_CLIENT_ID, HAZY_TEST_JWT_PRIVATE_KEY and HAZY_TEST_JWT_EC_PRIVATE_KEY must be set (tests/stack/stack.py)")
	}
	ctx := timeout(t, time.Minute)
	// Keycloak checks the assertion's audience against its own URL, so the client talks to it
	// directly rather than through the simulator's /auth proxy.
	c := newClient(t, WithAuthURL(keycloakURL), WithPrivateKeyJWT(id, key))
	if err := c.Authenticate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListJobs(ctx, newProject(t)); err != nil {
		t.Fatal(err)
	}
	// The EC key of the other Signed JWT client is not registered for this one.
	wrong := newClient(t, WithAuthURL(keycloakURL), WithPrivateKeyJWT(id, ecKey))
	err := wrong.Authenticate(ctx, nil)
	var herr *Error
	if !errors.Is(err, ErrAuth) || !errors.As(err, &herr) || herr.OAuthError == "" {
		t.Fatalf("a key Keycloak does not know: got %v, want ErrAuth with Keycloak's OAuth error", err)
	}
}
