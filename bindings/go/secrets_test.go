package hazy

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Secrets never show in fmt output (any verb, direct, by pointer or nested) or slog logs.
func TestCredentialsHideSecrets(t *testing.T) {
	const secret, password, token = "s3cr3t-CLIENT-value", "pa55-USER-word", "eyJhbGciOi.TOKEN.body"
	values := []any{
		ClientCredentials{ID: "api", Secret: secret},
		Password{ClientID: "api", ClientSecret: secret, Username: "analyst", Password: password},
		BearerToken(token),
	}
	for _, v := range values {
		wrapped := []any{v, &v, []any{v}, struct{ Creds any }{v}, map[string]any{"c": v}}
		for _, w := range wrapped {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
				out := fmt.Sprintf(verb, w)
				for _, s := range []string{secret, password, token, fmt.Sprintf("%x", secret), fmt.Sprintf("%x", token)} {
					if strings.Contains(out, s) {
						t.Errorf("fmt %s of %T shows a secret: %s", verb, w, out)
					}
				}
			}
		}
		if out := fmt.Sprint(v); !strings.Contains(out, redacted) {
			t.Errorf("%T prints as %q, without %s", v, out, redacted)
		}
		if out := fmt.Sprintf("%#v", v); !strings.HasPrefix(out, "hazy.") {
			t.Errorf("%%#v of %T is %q, not Go syntax", v, out)
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("creds", "creds", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("creds", "creds", v)
		for _, s := range []string{secret, password, token} {
			if strings.Contains(buf.String(), s) {
				t.Errorf("slog shows a secret of %T: %s", v, buf.String())
			}
		}
	}
	// The non-secret parts stay visible, and an unset secret shows as unset.
	if out := fmt.Sprintf("%+v", Password{ClientID: "api", Username: "analyst"}); !strings.Contains(out, "analyst") || !strings.Contains(out, `ClientSecret:""`) {
		t.Errorf("Password prints as %s", out)
	}
}
