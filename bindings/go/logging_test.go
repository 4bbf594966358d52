package hazy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingHandler is a slog.Handler that keeps every record it is given.
type recordingHandler struct {
	level   slog.Level
	mu      sync.Mutex
	records []slog.Record
}

func (h *recordingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r.Clone())
	return nil
}

func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) all() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.records...)
}

// attrs returns a record's attributes by key.
func attrs(r slog.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value
		return true
	})
	return m
}

// The WithLogger logger receives libhazy's records, marshalled into slog records, and a call
// made with ContextWithTraceparent joins the caller's trace.
func TestLogger(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	h := &recordingHandler{level: LevelTrace}
	c := newClient(t, WithLogger(slog.New(h)))

	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		t.Fatal(err)
	}
	traceID := hex.EncodeToString(id[:])
	tctx := ContextWithTraceparent(ctx, "00-"+traceID+"-00f067aa0ba902b7-01")
	if err := c.Authenticate(tctx, ClientCredentials{ID: apiID, Secret: apiSecret}); err != nil {
		t.Fatal(err)
	}
	token, err := c.AccessToken(ctx)
	if err != nil {
		t.Fatal(err)
	}

	records := h.all()
	events := map[string]int{}
	var granted, request *slog.Record
	for i, r := range records {
		a := attrs(r)
		event := a["event"].String()
		events[event]++
		switch {
		case event == "token.granted" && granted == nil:
			granted = &records[i]
		case event == "token.request" && request == nil:
			request = &records[i]
		}
		if r.Message == "" || event == "" {
			t.Errorf("record without message or event: %q %v", r.Message, a)
		}
		if r.PC != 0 {
			t.Errorf("record %s has a source position in this package", event)
		}
		text := fmt.Sprint(r.Message, a)
		for name, secret := range map[string]string{"client secret": apiSecret, "access token": token} {
			if strings.Contains(text, secret) {
				t.Errorf("record %s shows the %s: %s", event, name, text)
			}
		}
	}
	if granted == nil || request == nil {
		t.Fatalf("no token.granted or token.request record; events: %v", events)
	}
	a := attrs(*granted)
	if granted.Level != slog.LevelInfo || request.Level != slog.LevelDebug {
		t.Errorf("token.granted at %v, token.request at %v; want INFO, DEBUG", granted.Level, request.Level)
	}
	if s := a["http_status"]; s.Kind() != slog.KindInt64 || s.Int64() != 200 {
		t.Errorf("token.granted http_status = %v", s)
	}
	if s := a["request_id"]; s.Kind() != slog.KindString || s.String() == "" {
		t.Errorf("token.granted request_id = %v", s)
	}
	if s := a["trace_id"].String(); s != traceID {
		t.Errorf("token.granted trace_id = %q, want the caller's %q", s, traceID)
	}
	if s := a["span_id"].String(); len(s) != 16 {
		t.Errorf("token.granted span_id = %q", s)
	}
	if s := a["elapsed_ms"]; s.Kind() != slog.KindInt64 || s.Int64() < 0 {
		t.Errorf("token.granted elapsed_ms = %v", s)
	}
	if _, ok := a["job_id"]; ok {
		t.Errorf("token.granted has a job_id: %v", a)
	}
}

// A failed call's error carries the request id of its exchange; one that sent nothing, none.
func TestErrorRequestID(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := apiClient(t)
	_, err := c.Job("no-such-job").Status(ctx)
	he := wantError(t, err, ErrNotFound)
	if he.RequestID == "" {
		t.Fatalf("error %v has no request id", err)
	}
	if !strings.Contains(err.Error(), "request id "+he.RequestID) {
		t.Errorf("Error() = %q does not show the request id", err.Error())
	}
	_, err = c.Job("").Status(ctx)
	if he := wantError(t, err, ErrInvalidArgument); he.RequestID != "" {
		t.Errorf("a call that sent nothing has request id %q", he.RequestID)
	}
}

// A malformed trace context in a call's context fails that call, and sends nothing.
func TestContextTraceparent(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	if got, ok := TraceparentFromContext(ContextWithTraceparent(ctx, tp)); got != tp || !ok {
		t.Errorf("TraceparentFromContext = %q, %v", got, ok)
	}
	if got, ok := TraceparentFromContext(ContextWithTraceparent(ctx, "")); got != "" || ok {
		t.Errorf("an empty traceparent reads back as %q, %v", got, ok)
	}
	if _, ok := TraceparentFromContext(ctx); ok {
		t.Error("a plain context has a traceparent")
	}

	c := apiClient(t)
	project := newProject(t)
	_, err := c.ListJobs(ContextWithTraceparent(ctx, "00-not-a-trace-01"), project)
	wantError(t, err, ErrInvalidArgument)
	if n := stats(t, project).RequestsTotal; n != 0 {
		t.Errorf("a call with a malformed traceparent sent %d requests", n)
	}
	if _, err := c.ListJobs(ContextWithTraceparent(ctx, tp), project); err != nil {
		t.Errorf("ListJobs with a traceparent: %v", err)
	}
	if n := stats(t, project).RequestsTotal; n == 0 {
		t.Error("the simulator counted no request for a call with a well-formed traceparent")
	}
}
