package hazy

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// The one happy path against the real stack: authenticate with Keycloak, train, follow,
// status, list jobs and models, generate; every field marshalled into Go. The Hub's and
// Keycloak's failures are tested once, in tests/*.rs and tests/integration.
func TestTrainWaitListGenerate(t *testing.T) {
	ctx, c, project := begin(t, 2*time.Minute)
	setJobDuration(t, project, 1500*time.Millisecond)
	if token, err := c.AccessToken(ctx); err != nil || len(strings.Split(token, ".")) != 3 {
		t.Fatalf("the access token is no JWT (%v)", err)
	}

	job, err := c.Train(ctx, project, []byte(minimalConfig))
	if err != nil {
		t.Fatal(err)
	}
	if job.ID == "" || job.ProjectID != project || job.Kind != "train" {
		t.Fatalf("submitted job %+v", job)
	}
	var seen []JobStatus
	final, err := job.Wait(ctx, func(s JobStatus) { seen = append(seen, s) })
	if err != nil {
		t.Fatal(err)
	}
	if final.State != StateSucceeded || final.ModelID == "" || final.ID != job.ID || final.Progress != 1 || final.OutputLocation != "" ||
		!strings.EqualFold(final.RawState, "succeeded") {
		t.Fatalf("final %+v", final)
	}
	if len(seen) < 2 {
		t.Fatalf("progress was called %d times for a 1.5 s job polled every 100 ms", len(seen))
	}
	sawRunning := false
	for i, s := range seen {
		if s.ID != job.ID || s.ProjectID != project || s.Kind != "train" {
			t.Fatalf("progress snapshot %d: %+v", i, s)
		}
		if i > 0 && s.Progress < seen[i-1].Progress {
			t.Errorf("progress went back from %v to %v", seen[i-1].Progress, s.Progress)
		}
		sawRunning = sawRunning || s.State == StateRunning
	}
	if !sawRunning {
		t.Errorf("progress never saw the job running: %+v", seen)
	}
	if last := seen[len(seen)-1]; last.State != StateSucceeded {
		t.Errorf("last progress snapshot %+v", last)
	}

	st, err := job.Status(ctx)
	if err != nil || st != final {
		t.Fatalf("Status = %+v, %v; want %+v", st, err, final)
	}
	jobs, err := c.ListJobs(ctx, project)
	if err != nil || len(jobs) != 1 || jobs[0] != final {
		t.Fatalf("ListJobs = %+v, %v", jobs, err)
	}
	models, err := c.ListModels(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	want := Model{ID: final.ModelID, ProjectID: project, TrainJobID: job.ID, GeneratorType: "priv_bayes", Epsilon: 1000}
	if len(models) != 1 || models[0] != want {
		t.Fatalf("ListModels = %+v, want [%+v]", models, want)
	}

	// Generation: rows only, a config only (a Go map), both.
	for _, tc := range []struct {
		rows int64
		cfg  any
		out  string // the output location the job must report; "" for the Hub's own place
	}{
		{100, nil, ""},
		{0, map[string]any{"num_rows": 10, "output_location": "s3://b/out/"}, "s3://b/out/"},
		{5, json.RawMessage(`{"seed":1}`), ""},
	} {
		gen, err := c.Generate(ctx, project, final.ModelID, tc.rows, tc.cfg)
		if err != nil {
			t.Fatalf("Generate(%d, %v): %v", tc.rows, tc.cfg, err)
		}
		if gen.Kind != "generate" || gen.ProjectID != project {
			t.Fatalf("generation job %+v", gen)
		}
		done, err := gen.Wait(ctx, nil)
		if err != nil || done.State != StateSucceeded || done.ModelID != final.ModelID {
			t.Fatalf("generation Wait = %+v, %v", done, err)
		}
		if (tc.out != "" && done.OutputLocation != tc.out) || done.OutputLocation == "" {
			t.Fatalf("generation job's OutputLocation = %q, want %q (or the Hub's own when empty)", done.OutputLocation, tc.out)
		}
	}
	jobs, err = c.ListJobs(ctx, project)
	if err != nil || len(jobs) != 4 {
		t.Fatalf("ListJobs after generation = %d jobs, %v; want 4", len(jobs), err)
	}
	if n := c.TokenRequestCount(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}
}

// Every accepted form of a training config.
func TestTrainConfigForms(t *testing.T) {
	ctx, c, project := begin(t, time.Minute)

	type table struct {
		Name   string              `json:"name"`
		Dtypes []map[string]string `json:"dtypes"`
	}
	type config struct {
		DataSchema struct {
			Tables []table `json:"tables"`
		} `json:"data_schema"`
		DataInput []map[string]string `json:"data_input"`
	}
	var typed config
	typed.DataSchema.Tables = []table{{Name: "t", Dtypes: []map[string]string{{"type": "int", "col": "a"}}}}
	typed.DataInput = []map[string]string{{"name": "t", "location": "s3://b/t.csv"}}
	var generic map[string]any
	if err := json.Unmarshal([]byte(minimalConfig), &generic); err != nil {
		t.Fatal(err)
	}
	forms := []any{minimalConfig, []byte(minimalConfig), json.RawMessage(minimalConfig), typed, &typed, generic}
	for _, cfg := range forms {
		if _, err := c.Train(ctx, project, cfg); err != nil {
			t.Fatalf("config %T: %v", cfg, err)
		}
	}
	if n := stats(t, project).JobsTotal; n != len(forms) {
		t.Fatalf("jobs_total = %d, want %d", n, len(forms))
	}
}

// A job cancelled on the Hub ends Wait with ErrCancelled that is not the caller's context
// ending nor Close (the Hub's cancel itself: tests/integration test_cancel_then_wait_is_cancelled).
func TestCancelJob(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c, project, job := trainJob(t, ctx, time.Minute)
	st, err := job.Cancel(ctx)
	if err != nil || st.State != StateCancelled || st.ID != job.ID {
		t.Fatalf("Cancel = %+v, %v", st, err)
	}
	last, err := job.Wait(ctx, nil)
	wantError(t, err, ErrCancelled)
	if errors.Is(err, context.Canceled) || errors.Is(err, ErrClosed) {
		t.Fatalf("a job cancelled on the Hub looks like a cancelled context or a closed client: %v", err)
	}
	if last.State != StateCancelled {
		t.Fatalf("last snapshot %+v", last)
	}
	if st, err := c.Job(job.ID).Status(ctx); err != nil || st.State != StateCancelled || st.ProjectID != project {
		t.Fatalf("Status via Client.Job = %+v, %v", st, err)
	}
}

// A progress function may call the client, from the waiting goroutine.
func TestProgressMayCallClient(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c, project, job := trainJob(t, ctx, 800*time.Millisecond)
	calls := 0
	_, err := job.Wait(ctx, func(s JobStatus) {
		calls++
		st, err := job.Status(ctx)
		if err != nil || st.ID != s.ID {
			t.Errorf("Status from progress: %+v, %v", st, err)
		}
		if _, err := c.ListJobs(ctx, project); err != nil {
			t.Errorf("ListJobs from progress: %v", err)
		}
	})
	if err != nil || calls == 0 {
		t.Fatalf("Wait = %v after %d progress calls", err, calls)
	}
}

// A panic in progress stops the wait and comes out of Wait, not through the C library.
func TestProgressPanicIsRaisedByWait(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	_, _, job := trainJob(t, ctx, time.Minute)
	type boom struct{ n int }
	calls := 0
	start := time.Now()
	recovered := func() (r any) {
		defer func() { r = recover() }()
		job.Wait(ctx, func(JobStatus) {
			calls++
			panic(boom{42})
		})
		return nil
	}()
	if recovered != (boom{42}) {
		t.Fatalf("recovered %v, want boom{42}", recovered)
	}
	if calls != 1 || time.Since(start) > 10*time.Second {
		t.Fatalf("progress called %d times in %v; the panic should have stopped the wait", calls, time.Since(start))
	}
	// The client is intact, and the job was left running.
	st, err := job.Status(ctx)
	if err != nil || st.State.Done() {
		t.Fatalf("after the panic: %+v, %v", st, err)
	}
	job.Cancel(ctx)
}

// Waits on one job from many goroutines at once.
func TestConcurrentWaitsOnOneJob(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	_, _, job := trainJob(t, ctx, time.Second)
	var wg sync.WaitGroup
	results := make([]JobStatus, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = job.Wait(ctx, func(JobStatus) {})
		}()
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil || results[i].State != StateSucceeded || results[i].ModelID != results[0].ModelID {
			t.Fatalf("wait %d: %+v, %v", i, results[i], errs[i])
		}
	}
}
