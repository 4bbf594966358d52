package hazy

// End-to-end tests against a real Keycloak and the Hub simulator. Run them inside the test
// stack (see README.md), which sets HAZY_TEST_HUB_URL and HAZY_TEST_KEYCLOAK_URL:
//
//	python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash bindings/go/run-tests.sh

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The realm's test principals (tests/realm/hazy-realm.json), read in TestMain from the
// HAZY_TEST_* variables that tests/stack/stack.py exports: no secret is repeated here.
var (
	apiID, apiSecret             string
	analystUser, analystPassword string
)

// minimalConfig is the smallest TrainingConfig the Hub accepts.
const minimalConfig = `{"data_schema":{"tables":[{"name":"t","dtypes":[{"type":"int","col":"a"}]}]},` +
	`"data_input":[{"name":"t","location":"s3://b/t.csv"}],` +
	`"model_parameters":{"generator":{"generator_type":"priv_bayes","epsilon":1000.0}}}`

var hubURL string // the simulator, the library's host

func TestMain(m *testing.M) {
	var missing []string
	for _, v := range []struct {
		dst  *string
		name string
	}{
		{&hubURL, "HAZY_TEST_HUB_URL"},
		{&apiID, "HAZY_TEST_CLIENT_ID"}, {&apiSecret, "HAZY_TEST_CLIENT_SECRET"},
		{&analystUser, "HAZY_TEST_USERNAME"}, {&analystPassword, "HAZY_TEST_PASSWORD"},
	} {
		if *v.dst = os.Getenv(v.name); *v.dst == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintln(os.Stderr, "FAIL: "+strings.Join(missing, ", ")+" not set: these tests need a real "+
			"Keycloak and the Hub simulator. Run them with\n"+
			"  python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash bindings/go/run-tests.sh")
		os.Exit(1)
	}
	if debugGC {
		fmt.Println("hazydebug: a garbage collection runs around every libhazy call")
	}
	os.Exit(m.Run())
}

// begin runs t in parallel with the other tests and gives it a context bounded by d, a
// client authenticated as api, and a project of its own.
func begin(t *testing.T, d time.Duration) (context.Context, *Client, string) {
	t.Parallel()
	return timeout(t, d), apiClient(t), newProject(t)
}

// trainJob submits minimalConfig on a new client, in a fresh project whose jobs last d.
func trainJob(t *testing.T, ctx context.Context, d time.Duration) (*Client, string, *Job) {
	t.Helper()
	c := apiClient(t)
	project := newProject(t)
	setJobDuration(t, project, d)
	job, err := c.Train(ctx, project, minimalConfig)
	if err != nil {
		t.Fatal(err)
	}
	return c, project, job
}

// newProject returns a fresh project id: the simulator is shared by every suite.
func newProject(t testing.TB) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "go-" + hex.EncodeToString(b[:])
}

// newClient returns an unauthenticated client of the simulator that polls quickly and is
// closed when the test ends.
func newClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(hubURL, append([]Option{WithPollInterval(100 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// apiClient returns a client authenticated as client "api" (all scopes).
func apiClient(t testing.TB, opts ...Option) *Client {
	t.Helper()
	c := newClient(t, opts...)
	if err := c.Authenticate(context.Background(), ClientCredentials{ID: apiID, Secret: apiSecret}); err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return c
}

func timeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// sim sends a request to the simulator's admin API and decodes the JSON answer into out.
func sim(t testing.TB, method, path string, body any, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimRight(hubURL, "/")+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("simulator %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("simulator %s %s: HTTP %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("simulator %s %s: %v: %s", method, path, err, data)
		}
	}
}

// setJobDuration sets how long new jobs of project take on the simulator.
func setJobDuration(t testing.TB, project string, d time.Duration) {
	t.Helper()
	sim(t, http.MethodPut, "/_sim/projects/"+project, map[string]any{"job_duration_ms": d.Milliseconds()}, nil)
}

// fault scripts a fault for the next count requests under path_prefix (see contract).
func fault(t testing.TB, spec map[string]any) {
	t.Helper()
	sim(t, http.MethodPost, "/_sim/faults", spec, nil)
}

type simStats struct {
	Requests      map[string]int `json:"requests"`
	RequestsTotal int            `json:"requests_total"`
	JobsTotal     int            `json:"jobs_total"`
}

func stats(t testing.TB, project string) simStats {
	t.Helper()
	var s simStats
	sim(t, http.MethodGet, "/_sim/stats?project_id="+project, nil, &s)
	return s
}

// wantError checks that err is an *Error matching sentinel, and returns it.
func wantError(t testing.TB, err error, sentinel error) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", sentinel)
	}
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("error %v (%T) is not a *hazy.Error", err, err)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v: status %v does not match %v", err, he.Status, sentinel)
	}
	for _, other := range sentinels {
		if other != sentinel && errors.Is(err, other) {
			t.Fatalf("error %v matches %v as well as %v", err, other, sentinel)
		}
	}
	if he.Message == "" {
		t.Errorf("error %v has no message", err)
	}
	return he
}
