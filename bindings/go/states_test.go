package hazy

// The Hub's own state words (JobStatus.RawState) and the rule for states libhazy does not
// know (README.md, "Training and jobs"): Wait ends with ErrProtocol, Error.Field "state",
// once the job has stayed in unknown states for unknown_state_timeout_ms. The simulator's
// "state" fault makes it answer one job's GETs with any word.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// stateClient returns a client authenticated as api that polls every 100 ms and gives up on
// unknown states after 500 ms.
func stateClient(t *testing.T) *Client {
	t.Helper()
	return apiClient(t, WithPollInterval(100*time.Millisecond), WithOption("unknown_state_timeout_ms", "500"))
}

// armState makes the simulator answer every GET of job with state word, until the test ends.
func armState(t *testing.T, job *Job, word string) {
	t.Helper()
	var armed struct {
		ID uint64 `json:"id"`
	}
	sim(t, http.MethodPost, "/_sim/faults", map[string]any{
		"path_prefix": "/api/v1/jobs/" + job.ID, "method": "GET", "kind": "state", "state": word,
	}, &armed)
	t.Cleanup(func() { sim(t, http.MethodDelete, fmt.Sprintf("/_sim/faults/%d", armed.ID), nil, nil) })
}

// waitInState trains a job that runs for an hour on the simulator (so it only ends through
// the fault), arms the fault with word and waits, recording every snapshot progress sees.
func waitInState(t *testing.T, word string) (final JobStatus, seen []JobStatus, took time.Duration, err error) {
	t.Helper()
	ctx := timeout(t, 30*time.Second)
	c := stateClient(t)
	project := newProject(t)
	setJobDuration(t, project, time.Hour)
	job, terr := c.Train(ctx, project, minimalConfig)
	if terr != nil {
		t.Fatal(terr)
	}
	armState(t, job, word)
	start := time.Now()
	final, err = job.Wait(ctx, func(s JobStatus) { seen = append(seen, s) }) // on this goroutine
	return final, seen, time.Since(start), err
}

// A synonym of a known state: "completed" is succeeded, and the Hub's word is kept.
func TestWaitKnownSynonymState(t *testing.T) {
	t.Parallel()
	final, seen, _, err := waitInState(t, "completed")
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if final.State != StateSucceeded || final.RawState != "completed" {
		t.Errorf("final snapshot: State %v, RawState %q; want succeeded, %q", final.State, final.RawState, "completed")
	}
	for _, s := range seen {
		if s.RawState != "completed" || s.State != StateSucceeded {
			t.Errorf("progress saw State %v, RawState %q; want succeeded, %q", s.State, s.RawState, "completed")
		}
	}
}

// A word libhazy does not know: every snapshot reaches progress as StateUnknown with the
// word, and the wait ends with ErrProtocol naming it once unknown_state_timeout_ms passed.
func TestWaitUnknownState(t *testing.T) {
	t.Parallel()
	final, seen, took, err := waitInState(t, "ARCHIVED")
	he := wantError(t, err, ErrProtocol)
	if !strings.Contains(he.Message, "ARCHIVED") {
		t.Errorf("message %q does not name the Hub's state ARCHIVED", he.Message)
	}
	if he.Field != "state" {
		t.Errorf("Error.Field = %q, want %q", he.Field, "state")
	}
	if took < 500*time.Millisecond || took > 10*time.Second {
		t.Errorf("Wait took %v; want the unknown_state_timeout_ms of 500 ms plus a poll or so", took)
	}
	if len(seen) == 0 {
		t.Fatal("progress was never called")
	}
	for _, s := range seen {
		if s.State != StateUnknown || s.RawState != "ARCHIVED" {
			t.Errorf("progress saw State %v, RawState %q; want unknown, %q", s.State, s.RawState, "ARCHIVED")
		}
	}
	if final.State != StateUnknown || final.RawState != "ARCHIVED" {
		t.Errorf("Wait's snapshot: State %v, RawState %q; want unknown, %q", final.State, final.RawState, "ARCHIVED")
	}
}
