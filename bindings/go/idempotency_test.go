package hazy

import (
	"testing"
	"time"
)

// TrainWithKey and GenerateWithKey send the caller's key (the Hub's replay and conflict
// rules are tested in the core); a failed submission's Error carries the key it used.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	ctx := timeout(t, time.Minute)
	c := apiClient(t, WithRetry(1, 10*time.Millisecond, time.Second))
	project := newProject(t)
	setJobDuration(t, project, 200*time.Millisecond)
	trainJobs := "/api/v1/projects/" + project + "/train-jobs"
	refuse := map[string]any{"path_prefix": trainJobs, "method": "POST", "kind": "status", "status": 503, "retry_after_s": 0, "count": 1}

	// A generated key comes back on failure, and resubmitting with it makes the job.
	fault(t, refuse)
	_, err := c.Train(ctx, project, minimalConfig)
	generated := wantError(t, err, ErrServer).IdempotencyKey
	if generated == "" {
		t.Fatalf("a failed Train's error has no idempotency key: %v", err)
	}
	first, err := c.TrainWithKey(ctx, project, generated, minimalConfig)
	if err != nil {
		t.Fatal(err)
	}

	// A given key: the error carries it, and the same key returns the same job.
	const key = "go-batch-run-42"
	fault(t, refuse)
	_, err = c.TrainWithKey(ctx, project, key, minimalConfig)
	if got := wantError(t, err, ErrServer).IdempotencyKey; got != key {
		t.Fatalf("error's idempotency key %q, want %q", got, key)
	}
	job, err := c.TrainWithKey(ctx, project, key, minimalConfig)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.TrainWithKey(ctx, project, key, minimalConfig)
	if err != nil || again.ID != job.ID || job.ID == first.ID {
		t.Fatalf("same key: jobs %s and %v (%v); the generated key's job is %s", job.ID, again, err, first.ID)
	}
	if _, err := c.TrainWithKey(ctx, project, "two words", minimalConfig); err == nil {
		t.Fatal("a malformed key was accepted")
	} else {
		wantError(t, err, ErrInvalidArgument)
	}
	if n := stats(t, project).JobsTotal; n != 2 {
		t.Fatalf("simulator has %d jobs, want 2", n)
	}

	final, err := job.Wait(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := c.GenerateWithKey(ctx, project, final.ModelID, 10, "go-gen-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	gen2, err := c.GenerateWithKey(ctx, project, final.ModelID, 10, "go-gen-1", nil)
	if err != nil || gen2.ID != gen.ID || gen.Kind != "generate" {
		t.Fatalf("same generation key: %+v and %+v (%v)", gen, gen2, err)
	}
}
