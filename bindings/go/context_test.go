package hazy

import (
	"context"
	"errors"
	"testing"
	"time"
)

// longJob submits a job that runs for a minute, cancelled on the Hub when the test ends.
func longJob(t *testing.T, c *Client) *Job {
	t.Helper()
	project := newProject(t)
	setJobDuration(t, project, time.Minute)
	job, err := c.Train(timeout(t, time.Minute), project, minimalConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { job.Cancel(context.Background()) })
	return job
}

// Cancelling the context reaches the C wait promptly; the job keeps running on the Hub.
func TestWaitContextCancel(t *testing.T) {
	t.Parallel()
	c := apiClient(t)
	job := longJob(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	start := time.Now()
	polls := 0
	_, err := job.Wait(ctx, func(JobStatus) { polls++ })
	elapsed := time.Since(start)
	he := wantError(t, err, ErrCancelled)
	if !errors.Is(err, context.Canceled) || he.Op != "wait" {
		t.Fatalf("error %v does not match context.Canceled", err)
	}
	if elapsed < 400*time.Millisecond || elapsed > 2*time.Second {
		t.Fatalf("Wait returned after %v; the context was cancelled after 500 ms", elapsed)
	}
	if polls == 0 {
		t.Fatalf("no poll in 500 ms at a 100 ms interval")
	}
	st, err := job.Status(context.Background())
	if err != nil || st.State.Done() {
		t.Fatalf("leaving the wait changed the job: %+v, %v", st, err)
	}
}

// The context's deadline ends the wait: an error matching context.DeadlineExceeded and
// ErrTimeout.
func TestWaitContextDeadline(t *testing.T) {
	t.Parallel()
	c := apiClient(t)
	job := longJob(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := job.Wait(ctx, nil)
	elapsed := time.Since(start)
	wantError(t, err, ErrTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v does not match context.DeadlineExceeded", err)
	}
	if elapsed < 500*time.Millisecond || elapsed > 2*time.Second {
		t.Fatalf("Wait returned after %v for a 600 ms deadline", elapsed)
	}
}

// Cancelling from inside progress stops the wait; a custom cause is kept.
func TestWaitStopFromProgress(t *testing.T) {
	t.Parallel()
	c := apiClient(t)
	job := longJob(t, c)
	cause := errors.New("enough")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	calls := 0
	start := time.Now()
	_, err := job.Wait(ctx, func(JobStatus) {
		calls++
		if calls == 3 {
			cancel(cause)
		}
	})
	wantError(t, err, ErrCancelled)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, cause) {
		t.Fatalf("error %v does not match context.Canceled and the cause", err)
	}
	if calls != 3 || time.Since(start) > 5*time.Second {
		t.Fatalf("%d progress calls in %v after cancelling at the third", calls, time.Since(start))
	}
}

// A context that is already done stops every call before it sends anything.
func TestDoneContextSendsNothing(t *testing.T) {
	t.Parallel()
	c := apiClient(t)
	project := newProject(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	job := c.Job("some-job")
	calls := map[string]func(context.Context) error{
		"Authenticate": func(ctx context.Context) error {
			return c.Authenticate(ctx, ClientCredentials{ID: apiID, Secret: apiSecret})
		},
		"Train":       func(ctx context.Context) error { _, err := c.Train(ctx, project, minimalConfig); return err },
		"Generate":    func(ctx context.Context) error { _, err := c.Generate(ctx, project, "m", 1, nil); return err },
		"ListJobs":    func(ctx context.Context) error { _, err := c.ListJobs(ctx, project); return err },
		"ListModels":  func(ctx context.Context) error { _, err := c.ListModels(ctx, project); return err },
		"AccessToken": func(ctx context.Context) error { _, err := c.AccessToken(ctx); return err },
		"Status":      func(ctx context.Context) error { _, err := job.Status(ctx); return err },
		"Cancel":      func(ctx context.Context) error { _, err := job.Cancel(ctx); return err },
		"Wait":        func(ctx context.Context) error { _, err := job.Wait(ctx, nil); return err },
	}
	for name, call := range calls {
		if err := call(ctx); !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCancelled) {
			t.Errorf("%s with a cancelled context: %v", name, err)
		}
		if err := call(expired); !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrTimeout) {
			t.Errorf("%s with an expired context: %v", name, err)
		}
	}
	if s := stats(t, project); s.RequestsTotal != 0 {
		t.Fatalf("calls with a done context sent %d requests: %v", s.RequestsTotal, s.Requests)
	}
	if n := c.TokenRequestCount(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
}
