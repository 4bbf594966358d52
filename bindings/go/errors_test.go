package hazy

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// This package's error layer. Every status's mapping is tested without a server in
// header_test.go; the statuses a real Hub or Keycloak answer with (AUTH, FORBIDDEN, SERVER,
// TIMEOUT, TLS, ...) are tested once, in tests/*.rs and tests/integration. Here: the text of
// an Error, and the errors that arise on this side of the network.

func TestErrorText(t *testing.T) {
	e := &Error{Op: "train", Status: StatusForbidden, Message: "no", HTTPStatus: 403, OAuthError: "insufficient_scope",
		Field: "hazy/TrainJob:create", RequestID: "r-1"}
	want := "hazy: train: FORBIDDEN: no (HTTP 403, error insufficient_scope, field hazy/TrainJob:create, request id r-1)"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if errors.Is(&Error{Status: StatusAuth}, sliceError{"a"}) { // must not panic either
		t.Error("an *Error matches an unrelated error")
	}
}

// sliceError is an error type that cannot be compared or hashed.
type sliceError []string

func (sliceError) Error() string { return "slice error" }

// Bad arguments and options are refused on this side, before anything is sent.
func TestInvalidArgument(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	_, err := NewClient(hubURL, WithOption("no_such_option", "1"))
	if he := wantError(t, err, ErrInvalidArgument); !strings.Contains(he.Message, "no_such_option") {
		t.Errorf("message %q does not name the option", he.Message)
	}
	for name, opts := range map[string][]Option{
		"negative timeout":   {WithTimeouts(-time.Second, 0)},
		"malformed interval": {WithOption("poll_interval_ms", "often")},
		"NUL in an option":   {WithOption("user_agent", "a\x00b")},
		"unreadable bundle":  {WithCABundle(filepath.Join(t.TempDir(), "missing.pem"))},
	} {
		if _, err := NewClient(hubURL, opts...); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: got %v, want ErrInvalidArgument", name, err)
		}
	}
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
		"no credentials":       func() error { return newClient(t).Authenticate(ctx, nil) },
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

// Nothing listens on a closed loopback port: ErrNetwork, with the detail of a C error object.
func TestClosedPortIsNetwork(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	c := newClient(t, WithOption("host", closed), WithRetry(1, 0, 0))
	err = c.Authenticate(context.Background(), ClientCredentials{ID: apiID, Secret: apiSecret})
	if he := wantError(t, err, ErrNetwork); he.Op != "authenticate" || he.HTTPStatus != 0 || strings.Contains(he.Error(), apiSecret) {
		t.Errorf("closed port: %#v", he)
	}
}
