package hazy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// 100 goroutines share one client, each training and waiting for its own job; every job
// is accounted for, by the client and by the simulator, and one token served them all.
func TestHundredGoroutinesShareOneClient(t *testing.T) {
	t.Parallel()
	const n = 100
	ctx := timeout(t, 3*time.Minute)
	c := apiClient(t, WithPollInterval(250*time.Millisecond))
	project := newProject(t)
	setJobDuration(t, project, 1500*time.Millisecond)

	type result struct {
		job   *Job
		final JobStatus
		err   error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			job, err := c.Train(ctx, project, minimalConfig)
			if err != nil {
				results[i].err = fmt.Errorf("train: %w", err)
				return
			}
			results[i].job = job
			results[i].final, results[i].err = job.Wait(ctx, func(s JobStatus) {
				if s.ID != job.ID {
					t.Errorf("goroutine %d: progress for job %s, waiting for %s", i, s.ID, job.ID)
				}
			})
		}()
	}
	close(start)
	wg.Wait()

	ids := map[string]bool{}
	models := map[string]bool{}
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("goroutine %d: %v", i, r.err)
		}
		if r.final.State != StateSucceeded || r.final.ID != r.job.ID || r.final.ModelID == "" {
			t.Fatalf("goroutine %d: final %+v for job %s", i, r.final, r.job.ID)
		}
		ids[r.job.ID] = true
		models[r.final.ModelID] = true
	}
	if len(ids) != n || len(models) != n {
		t.Fatalf("%d distinct jobs and %d distinct models, want %d", len(ids), len(models), n)
	}

	jobs, err := c.ListJobs(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != n {
		t.Fatalf("ListJobs: %d jobs, want %d", len(jobs), n)
	}
	for _, j := range jobs {
		if !ids[j.ID] || j.State != StateSucceeded || !models[j.ModelID] {
			t.Fatalf("ListJobs has %+v, not one of ours or not succeeded", j)
		}
	}
	listed, err := c.ListModels(ctx, project)
	if err != nil || len(listed) != n {
		t.Fatalf("ListModels: %d models, %v; want %d", len(listed), err, n)
	}
	if s := stats(t, project); s.JobsTotal != n {
		t.Fatalf("simulator jobs_total = %d, want %d", s.JobsTotal, n)
	}
	if got := c.TokenRequestCount(); got != 1 {
		t.Fatalf("token requests = %d, want 1: one token serves every goroutine", got)
	}
}

// Close while many goroutines use the client: waits stop with ErrClosed, other calls
// finish or fail with ErrClosed, nothing crashes, and Close returns at once.
func TestCloseDuringCalls(t *testing.T) {
	t.Parallel()
	c := apiClient(t)
	project := newProject(t)
	setJobDuration(t, project, time.Minute)
	ctx := timeout(t, time.Minute)
	var jobs []*Job
	for i := 0; i < 10; i++ {
		job, err := c.Train(ctx, project, minimalConfig)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, job)
	}
	t.Cleanup(func() {
		other := apiClient(t)
		for _, j := range jobs {
			other.Job(j.ID).Cancel(context.Background())
		}
	})

	var wg sync.WaitGroup
	waitErrs := make([]error, len(jobs))
	for i, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, waitErrs[i] = job.Wait(ctx, nil)
		}()
	}
	stopBusy := make(chan struct{})
	busyErrs := make(chan error, 1000)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stopBusy:
					return
				default:
				}
				if _, err := c.ListJobs(ctx, project); err != nil {
					busyErrs <- err
					return
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	closeStart := time.Now()
	closers := sync.WaitGroup{}
	for i := 0; i < 3; i++ { // concurrent Close calls all return once the client is freed
		closers.Add(1)
		go func() { defer closers.Done(); c.Close() }()
	}
	closers.Wait()
	closeTime := time.Since(closeStart)
	close(stopBusy)
	wg.Wait()
	close(busyErrs)

	if closeTime > time.Second {
		t.Errorf("Close took %v: it must not wait for the calls in progress", closeTime)
	}
	for _, err := range waitErrs {
		wantError(t, err, ErrClosed)
	}
	for err := range busyErrs {
		wantError(t, err, ErrClosed)
	}
	if _, err := c.ListJobs(context.Background(), project); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
