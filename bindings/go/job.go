package hazy

/*
#include "hazy.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/cgo"
)

// State is the state of a job on the Hub.
type State int32

// The job states, bound to libhazy's hazy_state values in hazy.h by cgo.
const (
	StateUnknown   State = C.HAZY_STATE_UNKNOWN   // a state this version of the library does not know
	StateQueued    State = C.HAZY_STATE_QUEUED    // accepted, not started
	StateRunning   State = C.HAZY_STATE_RUNNING   // running; Progress grows from 0 to 1
	StateSucceeded State = C.HAZY_STATE_SUCCEEDED // finished; a train job has a ModelID
	StateFailed    State = C.HAZY_STATE_FAILED    // finished with an error; FailureReason says why
	StateCancelled State = C.HAZY_STATE_CANCELLED // cancelled before it finished
)

// String returns the state's name as the Hub spells it: "queued", "running", ...;
// "unknown" for a number that is not a state.
func (s State) String() string {
	return C.GoString(C.hazy_state_name(C.int32_t(s)))
}

// Done reports whether the state is final: succeeded, failed or cancelled.
func (s State) Done() bool {
	return s == StateSucceeded || s == StateFailed || s == StateCancelled
}

// JobStatus is a snapshot of a job on the Hub.
type JobStatus struct {
	ID        string
	ProjectID string
	// Kind is "train" or "generate" ("other" for a kind this version does not know).
	Kind string
	// State is the job's state as libhazy understands it: StateUnknown for a word this
	// version does not know (RawState has the word).
	State State
	// RawState is the job's state exactly as the Hub sent it ("SUCCEEDED", "completed",
	// "ARCHIVED", ...). States are read in any case and with the usual synonyms, so State is
	// the one to compare; RawState is for display and for words that give StateUnknown.
	RawState string
	Progress float64 // from 0 to 1
	// ModelID is, for a succeeded train job, the trained model; for a generation job, its
	// source model; otherwise "".
	ModelID string
	// FailureReason is the Hub's reason for a failed job; otherwise "".
	FailureReason string
	// OutputLocation is, for a generation job, where the Hub writes the generated rows (the
	// generation config's "output_location", or the Hub's own place); otherwise "".
	OutputLocation string
}

// Model is a trained model on the Hub.
type Model struct {
	ID            string
	ProjectID     string
	TrainJobID    string  // the train job that produced it; "" if unknown
	GeneratorType string  // e.g. "priv_bayes"; "" if unknown
	Epsilon       float64 // the privacy parameter; negative when unknown
}

// A Job refers to a job on the Hub. Train and Generate return one; Client.Job makes one
// from an id. Its methods may be called from any goroutine, and a Job stays valid as long
// as its Client is open.
type Job struct {
	// ID is the job's id on the Hub.
	ID string
	// ProjectID and Kind are those of the submitted job; "" for a Job made by Client.Job.
	ProjectID string
	Kind      string

	client *Client
}

// Job returns a handle to the existing job with the given id, e.g. one from ListJobs.
func (c *Client) Job(id string) *Job {
	return &Job{ID: id, client: c}
}

// configJSON turns a config argument into JSON text: []byte, json.RawMessage and string are
// taken as JSON already; anything else is marshalled with encoding/json.
func configJSON(op string, cfg any) (string, error) {
	switch v := cfg.(type) {
	case nil:
		return "", invalidArgument(op, "config is nil")
	case json.RawMessage:
		return string(v), nil
	case []byte:
		return string(v), nil
	case string:
		return v, nil
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return "", &Error{Op: op, Status: StatusInvalidArgument,
				Message: "cannot encode config as JSON: " + err.Error(), err: err}
		}
		return string(b), nil
	}
}

// submit runs hazy_train or hazy_generate and wraps the new job.
func (c *Client) submit(ctx context.Context, op string, f func(*C.hazy_client_t, **C.hazy_job_t, **C.hazy_error_t) C.hazy_status) (*Job, error) {
	var out *C.hazy_job_t
	err := c.call(ctx, op, func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return f(p, &out, e)
	})
	if err != nil {
		return nil, err
	}
	st := jobStatusFrom(out)
	C.hazy_job_free(out)
	return &Job{ID: st.ID, ProjectID: st.ProjectID, Kind: st.Kind, client: c}, nil
}

// Train submits a training job to project projectID. cfg is a Hazy TrainingConfig: JSON as
// []byte, json.RawMessage or string, or any value that encoding/json marshals into one
// (a struct, a map[string]any). The config is checked locally first (a JSON object with
// data_schema.tables and a data_input list; otherwise ErrValidation with Error.Field naming
// the field) and nothing is sent if the check fails. The submission is retried on network
// errors, 5xx and 429 with an idempotency key, so it creates exactly one job; a failed
// submission's Error.IdempotencyKey is that key (see TrainWithKey).
//
// Errors: ErrValidation, ErrInvalidArgument, ErrAuth, ErrForbidden (Error.Field names the
// missing scope), ErrNotFound, ErrNetwork, ErrTimeout, ErrTLS, ErrServer, ErrProtocol,
// ErrClosed.
func (c *Client) Train(ctx context.Context, projectID string, cfg any) (*Job, error) {
	return c.train(ctx, "train", projectID, nil, cfg)
}

// TrainWithKey is Train under the caller's Idempotency-Key: 1 to 255 printable ASCII
// characters without spaces, e.g. a batch scheduler's run id or a UUID kept across restarts.
// Submitting again with the same key and the same config, from this or any other process,
// returns the job the first submission created; a different config under the same key is
// refused with ErrValidation (HTTP 409). A malformed key is ErrInvalidArgument.
func (c *Client) TrainWithKey(ctx context.Context, projectID, idempotencyKey string, cfg any) (*Job, error) {
	return c.train(ctx, "train", projectID, &idempotencyKey, cfg)
}

func (c *Client) train(ctx context.Context, op, projectID string, key *string, cfg any) (*Job, error) {
	text, err := configJSON(op, cfg)
	if err != nil {
		return nil, err
	}
	project, err := cString(op, "project ID", projectID)
	if err != nil {
		return nil, err
	}
	defer freeCString(project)
	config, err := cString(op, "config", text)
	if err != nil {
		return nil, err
	}
	defer freeCString(config)
	ckey, err := optionalKey(op, key)
	if err != nil {
		return nil, err
	}
	defer freeCString(ckey)
	return c.submit(ctx, op, func(p *C.hazy_client_t, out **C.hazy_job_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_train_with_key(p, project, config, ckey, out, e)
	})
}

// Generate submits a generation job from the trained model modelID: numRows rows (0 = not
// given) and/or cfg, a generation config (nil = not given; otherwise as for Train's cfg, a
// JSON object); at least one of them. Like Train it is idempotent and retried. Errors as
// for Train; ErrNotFound for an unknown model.
func (c *Client) Generate(ctx context.Context, projectID, modelID string, numRows int64, cfg any) (*Job, error) {
	return c.generate(ctx, "generate", projectID, modelID, numRows, nil, cfg)
}

// GenerateWithKey is Generate under the caller's Idempotency-Key; see TrainWithKey.
func (c *Client) GenerateWithKey(ctx context.Context, projectID, modelID string, numRows int64, idempotencyKey string, cfg any) (*Job, error) {
	return c.generate(ctx, "generate", projectID, modelID, numRows, &idempotencyKey, cfg)
}

func (c *Client) generate(ctx context.Context, op, projectID, modelID string, numRows int64, key *string, cfg any) (*Job, error) {
	if numRows < 0 {
		return nil, invalidArgument(op, "numRows is negative (%d)", numRows)
	}
	project, err := cString(op, "project ID", projectID)
	if err != nil {
		return nil, err
	}
	defer freeCString(project)
	model, err := cString(op, "model ID", modelID)
	if err != nil {
		return nil, err
	}
	defer freeCString(model)
	var config *C.char // NULL: not given
	if cfg != nil {
		text, err := configJSON(op, cfg)
		if err != nil {
			return nil, err
		}
		if config, err = cString(op, "config", text); err != nil {
			return nil, err
		}
		defer freeCString(config)
	}
	ckey, err := optionalKey(op, key)
	if err != nil {
		return nil, err
	}
	defer freeCString(ckey)
	return c.submit(ctx, op, func(p *C.hazy_client_t, out **C.hazy_job_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_generate_with_key(p, project, model, C.uint64_t(numRows), config, ckey, out, e)
	})
}

// optionalKey copies an idempotency key into C memory; nil gives NULL (libhazy generates one).
func optionalKey(op string, key *string) (*C.char, error) {
	if key == nil {
		return nil, nil
	}
	return cString(op, "idempotency key", *key)
}

// jobCall runs hazy_job_get or hazy_job_cancel for j.
func (j *Job) jobCall(ctx context.Context, op string, f func(*C.hazy_client_t, *C.char, **C.hazy_job_t, **C.hazy_error_t) C.hazy_status) (JobStatus, error) {
	if j == nil || j.client == nil {
		return JobStatus{}, invalidArgument(op, "a Job must come from a Client (Train, Generate or Client.Job)")
	}
	id, err := cString(op, "job ID", j.ID)
	if err != nil {
		return JobStatus{}, err
	}
	defer freeCString(id)
	var out *C.hazy_job_t
	err = j.client.call(ctx, op, func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return f(p, id, &out, e)
	})
	if err != nil {
		return JobStatus{}, err
	}
	st := jobStatusFrom(out)
	C.hazy_job_free(out)
	return st, nil
}

// Status fetches the job's current state from the Hub. Errors as for Train; ErrNotFound for
// an unknown job.
func (j *Job) Status(ctx context.Context) (JobStatus, error) {
	return j.jobCall(ctx, "job status", func(p *C.hazy_client_t, id *C.char, out **C.hazy_job_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_job_get(p, id, out, e)
	})
}

// Cancel cancels the job on the Hub and returns its resulting state. It is idempotent: a
// job that already finished is left as it is.
func (j *Job) Cancel(ctx context.Context) (JobStatus, error) {
	return j.jobCall(ctx, "cancel job", func(p *C.hazy_client_t, id *C.char, out **C.hazy_job_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_job_cancel(p, id, out, e)
	})
}

// Wait blocks until the job finishes, polling the Hub at the client's poll interval
// (WithPollInterval). After every poll it calls progress (if not nil) with the latest
// snapshot, on the goroutine that called Wait; progress may call the Client's methods,
// Close included (the Wait then returns ErrClosed).
//
// Wait honours ctx: when ctx is cancelled or its deadline passes, the wait in libhazy is
// cancelled within milliseconds and Wait returns an error matching ctx.Err() (errors.Is
// with context.Canceled or context.DeadlineExceeded) as well as ErrCancelled or ErrTimeout.
// To stop waiting from inside progress, cancel the context. Leaving the wait never cancels
// the job on the Hub: use Cancel for that.
//
// It returns the final snapshot and nil when the job succeeded. Otherwise it returns the
// latest snapshot seen (zero if none) and an error: ErrJobFailed (the message carries the
// Hub's reason), ErrCancelled (the job was cancelled on the Hub, or ctx was cancelled),
// ErrTimeout (ctx's deadline), ErrClosed (Close was called, from any goroutine),
// ErrProtocol with Error.Field "state" (the job stayed in states libhazy does not know,
// StateUnknown, for the option unknown_state_timeout_ms, default 60000; the message names the
// Hub's word, and the job is left alone on the Hub), or any error of Status. Every snapshot,
// those in unknown states included, reaches progress; JobStatus.RawState has the Hub's word.
//
// If progress panics, the wait stops and Wait panics again with the same value, on the
// calling goroutine, once libhazy has returned: a panic never unwinds through the C
// library. progress must not call runtime.Goexit (t.FailNow, t.Fatal); report failures
// with t.Error or after Wait returns.
func (j *Job) Wait(ctx context.Context, progress func(JobStatus)) (JobStatus, error) {
	const op = "wait"
	if j == nil || j.client == nil {
		return JobStatus{}, invalidArgument(op, "a Job must come from a Client (Train, Generate or Client.Job)")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	c := j.client
	id, err := cString(op, "job ID", j.ID)
	if err != nil {
		return JobStatus{}, err
	}
	defer freeCString(id)

	ptr, err := c.enter(ctx, op)
	if err != nil {
		return JobStatus{}, err
	}
	defer c.leave(ptr)
	token := C.hazy_cancel_token_new()
	defer C.hazy_cancel_token_free(token) // runs after stop(): no one can cancel it any more
	state := &waitState{progress: progress}
	handle := cgo.NewHandle(state)

	// Cancel the C wait as soon as ctx ends. AfterFunc runs the function on its own
	// goroutine; stop() tells whether it started, and then we wait for it to finish before
	// the token is freed.
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		C.hazy_cancel_token_cancel(token)
		close(fired)
	})

	debugCollect()
	var out *C.hazy_job_t
	var cerr *C.hazy_error_t
	st := jobWait(ptr, id, handle, token, &out, &cerr)
	runtime.KeepAlive(c)
	debugCollect()

	if !stop() {
		<-fired
	}
	handle.Delete()

	if state.panicked {
		C.hazy_job_free(out)
		C.hazy_error_free(cerr)
		panic(state.panicVal)
	}
	if st == C.HAZY_STATUS_OK {
		final := state.last
		if out != nil {
			final = jobStatusFrom(out)
			C.hazy_job_free(out)
		}
		return final, nil
	}
	err = takeError(op, st, cerr)
	if st == C.HAZY_STATUS_CANCELLED && ctx.Err() != nil {
		// The context cancelled the token (rather than the Hub cancelling the job): say so.
		e := contextError(op, ctx)
		e.Message = fmt.Sprintf("stopped waiting for job %s: %s", j.ID, e.Message)
		err = e
	}
	return state.last, err
}

// ListJobs lists every job of project projectID (all pages), oldest first.
func (c *Client) ListJobs(ctx context.Context, projectID string) ([]JobStatus, error) {
	var list *C.hazy_job_list_t
	return listProject(ctx, c, "list jobs", projectID,
		func(p *C.hazy_client_t, project *C.char, e **C.hazy_error_t) C.hazy_status {
			return C.hazy_jobs_list(p, project, &list, e)
		},
		func() []JobStatus {
			defer C.hazy_job_list_free(list)
			jobs := make([]JobStatus, 0, int(C.hazy_job_list_len(list)))
			for i := range cap(jobs) {
				if job := C.hazy_job_list_get(list, C.size_t(i)); job != nil {
					jobs = append(jobs, jobStatusFrom(job))
				}
			}
			return jobs
		})
}

// ListModels lists every trained model of project projectID (all pages).
func (c *Client) ListModels(ctx context.Context, projectID string) ([]Model, error) {
	var list *C.hazy_model_list_t
	return listProject(ctx, c, "list models", projectID,
		func(p *C.hazy_client_t, project *C.char, e **C.hazy_error_t) C.hazy_status {
			return C.hazy_models_list(p, project, &list, e)
		},
		func() []Model {
			defer C.hazy_model_list_free(list)
			models := make([]Model, 0, int(C.hazy_model_list_len(list)))
			for i := range cap(models) {
				if m := C.hazy_model_list_get(list, C.size_t(i)); m != nil {
					models = append(models, modelFrom(m))
				}
			}
			return models
		})
}

// listProject runs one list call for projectID, then copies the list into Go memory with
// take, which also frees it; take runs only when the call succeeded.
func listProject[T any](ctx context.Context, c *Client, op, projectID string,
	list func(*C.hazy_client_t, *C.char, **C.hazy_error_t) C.hazy_status, take func() []T) ([]T, error) {
	project, err := cString(op, "project ID", projectID)
	if err != nil {
		return nil, err
	}
	defer freeCString(project)
	err = c.call(ctx, op, func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return list(p, project, e)
	})
	if err != nil {
		return nil, err
	}
	return take(), nil
}
