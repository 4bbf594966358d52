package hazy

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each typed option of issue 25 (secret files, the credential command, key passphrases,
// PKCS#12, per-client proxies) reaches libhazy under its key: it is given a value that
// libhazy refuses, or reports in a way only that option can cause, and the error names the
// option, and the path when there is one. What the options do is tested once, against the
// real services, in tests/integration and tests/tls. Nothing here is sent anywhere: the
// token endpoint is a closed port, and every case fails before it would be used.
func TestNewOptionsReachTheLibrary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := func(name string) string { return filepath.Join(dir, name) }
	id := WithOption("client_id", "go-options")
	proxy := WithProxy("http://127.0.0.1:1")
	for _, tc := range []struct {
		name         string
		opts         []Option
		authenticate bool     // the error comes from Authenticate(ctx, nil), not NewClient
		sentinel     error    // the error's status
		want         []string // fragments of its message
	}{
		{"WithClientSecretFile", []Option{id, WithClientSecretFile(missing("secret"))}, true,
			ErrInvalidArgument, []string{"'client_secret_file'", missing("secret")}},
		{"WithPasswordFile", []Option{id, WithOption("username", "u"), WithPasswordFile(missing("password"))}, true,
			ErrInvalidArgument, []string{"'password_file'", missing("password")}},
		{"WithAccessTokenFile", []Option{WithAccessTokenFile(missing("token"))}, true,
			ErrInvalidArgument, []string{"'access_token_file'", missing("token")}},
		// Split into words: the program is the first.
		{"WithCredentialCommand", []Option{id, WithCredentialCommand(missing("program") + " --json")}, true,
			ErrAuth, []string{"'credential_command'", "cannot start '" + missing("program") + "'"}},
		// The words as given: a blank stays in the program's name.
		{"WithCredentialCommandArgs", []Option{id, WithCredentialCommandArgs(missing(`a "program"`), "--json")}, true,
			ErrAuth, []string{"'credential_command'", "cannot start '" + missing(`a "program"`) + "'"}},
		// Only a shell runs `exit 3`.
		{"WithCredentialCommandShell", []Option{id, WithCredentialCommandShell("exit 3")}, true,
			ErrAuth, []string{"'credential_command'", "exited with status 3"}},
		{"WithCredentialCommandTimeout", []Option{id, WithCredentialCommand("sleep 5"), WithCredentialCommandTimeout(100 * time.Millisecond)}, true,
			ErrTimeout, []string{"within 100 ms", "credential_command_timeout_ms"}},
		{"WithPrivateKeyPassphraseFile", []Option{WithPrivateKeyPassphraseFile(missing("key-passphrase"))}, false,
			ErrInvalidArgument, []string{"client_private_key_passphrase_file"}},
		{"WithClientKeyPassphraseFile", []Option{WithClientKeyPassphraseFile(missing("tls-passphrase"))}, false,
			ErrInvalidArgument, []string{"'client_key_passphrase_file'"}},
		{"WithClientCertificateP12", []Option{WithClientCertificateP12(missing("client.p12"), "")}, false,
			ErrInvalidArgument, []string{"'client_cert_p12'", missing("client.p12")}},
		{"WithClientCertificateP12 passphrase", []Option{WithClientCertificateP12("", missing("p12-passphrase"))}, false,
			ErrInvalidArgument, []string{"'client_cert_p12_passphrase_file'"}},
		{"WithProxy", []Option{WithProxy("ftp://proxy.example")}, false,
			ErrInvalidArgument, []string{"option 'proxy'"}},
		{"WithNoProxy", []Option{WithNoProxy("localhost", ".example.com,10.0.0.0/8")}, false,
			ErrInvalidArgument, []string{"'no_proxy' is set without 'proxy'"}},
		// Read only if the user arrived too (else: "is set without 'proxy_username'").
		{"WithProxyAuth", []Option{proxy, WithProxyAuth("proxy-user", missing("proxy-password"))}, false,
			ErrInvalidArgument, []string{"'proxy_password_file'", missing("proxy-password")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]Option{WithTokenURL("http://127.0.0.1:1/token")}, tc.opts...)
			c, err := NewClient("http://127.0.0.1:1", opts...)
			if err == nil {
				defer c.Close()
				if !tc.authenticate {
					t.Fatalf("NewClient succeeded, want %v naming %q", tc.sentinel, tc.want)
				}
				err = c.Authenticate(context.Background(), nil)
			} else if tc.authenticate {
				t.Fatalf("NewClient: %v (the error should come from Authenticate)", err)
			}
			var he *Error
			if !errors.Is(err, tc.sentinel) || !errors.As(err, &he) {
				t.Fatalf("got %v, want %v", err, tc.sentinel)
			}
			for _, w := range tc.want {
				if !strings.Contains(he.Message, w) {
					t.Errorf("message %q does not contain %q", he.Message, w)
				}
			}
		})
	}

	// The proxy list arrives as one comma-separated option.
	var s settings
	WithNoProxy("localhost", ".example.com")(&s)
	if len(s.list) != 1 || s.list[0] != (setting{"no_proxy", "localhost,.example.com"}) {
		t.Errorf("WithNoProxy sets %v", s.list)
	}
}
