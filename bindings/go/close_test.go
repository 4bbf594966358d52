package hazy

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

// Every method of a closed client returns an error matching ErrClosed; none crashes.
func TestUseAfterClose(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := apiClient(t)
	project := newProject(t)
	setJobDuration(t, project, time.Minute)
	job, err := c.Train(ctx, project, minimalConfig)
	if err != nil {
		t.Fatal(err)
	}
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
		"AccessToken": func() error { _, err := c.AccessToken(ctx); return err },
		"Train":       func() error { _, err := c.Train(ctx, project, minimalConfig); return err },
		"Generate":    func() error { _, err := c.Generate(ctx, project, "m", 1, nil); return err },
		"ListJobs":    func() error { _, err := c.ListJobs(ctx, project); return err },
		"ListModels":  func() error { _, err := c.ListModels(ctx, project); return err },
		"Status":      func() error { _, err := job.Status(ctx); return err },
		"Cancel":      func() error { _, err := job.Cancel(ctx); return err },
		"Wait":        func() error { _, err := job.Wait(ctx, func(JobStatus) {}); return err },
		"Client.Job":  func() error { _, err := c.Job(job.ID).Status(ctx); return err },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
			continue
		}
		wantError(t, err, ErrInvalidState)
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
