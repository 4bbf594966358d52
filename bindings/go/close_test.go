package hazy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every method of a closed client returns an error matching ErrClosed (StatusClosed); none
// crashes.
func TestUseAfterClose(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c, project, job := trainJob(t, ctx, time.Minute)
	defer apiClient(t).Job(job.ID).Cancel(context.Background())
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Authenticate":        func() error { return c.Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret}) },
		"Authenticate(nil)":   func() error { return c.Authenticate(ctx, nil) },
		"Authenticate bearer": func() error { return c.Authenticate(ctx, BearerToken("x")) },
		"Authenticate password": func() error {
			return c.Authenticate(ctx, Password{ClientID: apiID, Username: analystUser, Password: analystPassword})
		},
		"AccessToken":  func() error { _, err := c.AccessToken(ctx); return err },
		"Logout":       func() error { return c.Logout(ctx) },
		"Train":        func() error { _, err := c.Train(ctx, project, minimalConfig); return err },
		"Generate":     func() error { _, err := c.Generate(ctx, project, "m", 1, nil); return err },
		"TrainWithKey": func() error { _, err := c.TrainWithKey(ctx, project, "k-1", minimalConfig); return err },
		"GenerateWithKey": func() error {
			_, err := c.GenerateWithKey(ctx, project, "m", 1, "k-2", nil)
			return err
		},
		"ListJobs":   func() error { _, err := c.ListJobs(ctx, project); return err },
		"ListModels": func() error { _, err := c.ListModels(ctx, project); return err },
		"Status":     func() error { _, err := job.Status(ctx); return err },
		"Cancel":     func() error { _, err := job.Cancel(ctx); return err },
		"Wait":       func() error { _, err := job.Wait(ctx, func(JobStatus) {}); return err },
		"Client.Job": func() error { _, err := c.Job(job.ID).Status(ctx); return err },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
			continue
		}
		if he := wantError(t, err, ErrClosed); he.Status != StatusClosed {
			t.Errorf("%s after Close: status %v", name, he.Status)
		}
	}
	if n := c.TokenRequestCount(); n != 0 {
		t.Errorf("TokenRequestCount after Close = %d", n)
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); c.Close() }()
	}
	wg.Wait()
	// The job is untouched by the client's end.
	st, err := apiClient(t).Job(job.ID).Status(ctx)
	if err != nil || st.State.Done() {
		t.Fatalf("job after Close: %+v, %v", st, err)
	}
}

// Clients dropped without Close are freed by their finalizer.
func TestFinalizerClosesDroppedClients(t *testing.T) {
	before := finalized.Load()
	func() {
		for i := 0; i < 20; i++ {
			if _, err := NewClient(hubURL); err != nil {
				t.Fatal(err)
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for finalized.Load()-before < 20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if got := finalized.Load() - before; got < 20 {
		t.Fatalf("%d of 20 dropped clients were finalized", got)
	}
}

// slowJobServer answers every request, after delay, with the same running job, as the C
// lifetime test's server does; requests counts the requests it has received.
type slowJobServer struct {
	*httptest.Server
	requests atomic.Int64
}

func newSlowJobServer(t *testing.T, delay time.Duration) *slowJobServer {
	s := &slowJobServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"job-1","project_id":"p1","kind":"train","state":"running","progress":0.5}`)
	}))
	t.Cleanup(s.Close)
	return s
}

// Close while other goroutines are inside a job get and a job wait (the server answers
// slowly, so both are in flight): each wait returns ErrClosed within 100 ms of Close, each
// get in flight finishes its request, and later calls return ErrClosed. Run with -race.
// Not parallel: with the package's parallel tests (hundreds of goroutines) in the run queue, a
// goroutine back from libhazy can wait longer than 100 ms for a P under -race, and the test
// would measure Go's scheduler instead of the close.
func TestCloseEndsCallsInFlight(t *testing.T) {
	const delay = 300 * time.Millisecond
	const getters, waiters = 3, 3
	srv := newSlowJobServer(t, delay)
	c, err := NewClient(srv.URL, WithOption("access_token", "close-test-token"), WithPollInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		wait     bool
		err      error
		returned time.Time
	}
	results := make(chan result, getters+waiters)
	for i := 0; i < getters+waiters; i++ {
		wait := i >= getters
		go func() {
			job := c.Job("job-1")
			var err error
			if wait {
				_, err = job.Wait(context.Background(), nil)
			} else {
				_, err = job.Status(context.Background())
			}
			results <- result{wait, err, time.Now()}
		}()
	}
	// Until every call has reached the server, and is waiting for its answer.
	deadline := time.Now().Add(10 * time.Second)
	for srv.requests.Load() < getters+waiters {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d calls reached the server", srv.requests.Load(), getters+waiters)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(delay / 3)
	closedAt := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if time.Since(closedAt) > 50*time.Millisecond {
		t.Errorf("Close took %v: it must not wait for the calls in progress", time.Since(closedAt))
	}
	if _, err := c.Job("job-1").Status(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("a get after Close: %v, want ErrClosed", err)
	}
	var slowest time.Duration
	for i := 0; i < getters+waiters; i++ {
		r := <-results
		after := r.returned.Sub(closedAt)
		if r.wait {
			if he := wantError(t, r.err, ErrClosed); he.Status != StatusClosed {
				t.Errorf("a wait ended with status %v", he.Status)
			}
			if after > 100*time.Millisecond {
				t.Errorf("a wait returned %v after Close; the bound is 100ms", after)
			}
			slowest = max(slowest, after)
		} else if r.err != nil {
			t.Errorf("a get in flight at Close failed: %v; it should finish its request", r.err)
		}
	}
	t.Logf("slowest wait ended %v after Close", slowest)
}

// Close from a progress function of the same client: the Wait returns ErrClosed, and a call
// from the progress function after Close gets ErrClosed too.
func TestCloseFromProgress(t *testing.T) {
	t.Parallel()
	srv := newSlowJobServer(t, 0)
	c, err := NewClient(srv.URL, WithOption("access_token", "close-test-token"), WithPollInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var inProgress error
	_, err = c.Job("job-1").Wait(context.Background(), func(JobStatus) {
		c.Close()
		_, inProgress = c.Job("job-1").Status(context.Background())
	})
	wantError(t, err, ErrClosed)
	wantError(t, inProgress, ErrClosed)
}
