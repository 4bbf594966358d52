// The Go anchor: net/http with golang.org/x/oauth2/clientcredentials (the token is fetched
// and attached by the oauth2 transport, as a Go service would do it), decoding each job
// into a struct.
//
//	go-client -n N        N sequential GETs of /api/v1/jobs/{BENCH_JOB_ID}
//
// Environment: HAZY_HUB_HOST, HAZY_TOKEN_URL, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET, BENCH_JOB_ID.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"syscall"
	"time"

	"golang.org/x/oauth2/clientcredentials"
)

type job struct {
	ID        string  `json:"id"`
	ProjectID string  `json:"project_id"`
	Kind      string  `json:"kind"`
	State     string  `json:"state"`
	Progress  float64 `json:"progress"`
}

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "bench: %s is not set\n", name)
		os.Exit(2)
	}
	return v
}

type mark struct {
	wall time.Time
	cpu  float64
	csw  int64
}

func now() mark {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	return mark{time.Now(), cpu, ru.Nvcsw + ru.Nivcsw}
}

func main() {
	n := flag.Int("n", 1000, "sequential calls")
	flag.Parse()
	jobID := env("BENCH_JOB_ID")
	url := env("HAZY_HUB_HOST") + "/api/v1/jobs/" + jobID
	cfg := clientcredentials.Config{
		ClientID:     env("HAZY_CLIENT_ID"),
		ClientSecret: env("HAZY_CLIENT_SECRET"),
		TokenURL:     env("HAZY_TOKEN_URL"),
	}
	client := cfg.Client(context.Background())
	get := func() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, "go client:", err)
			os.Exit(1)
		}
		var j job
		err = json.NewDecoder(resp.Body).Decode(&j)
		// Drain so that the connection goes back to the pool.
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || j.ID != jobID {
			fmt.Fprintf(os.Stderr, "go client: HTTP %d, decode error %v\n", resp.StatusCode, err)
			os.Exit(1)
		}
	}
	get() // the token request and the connection, outside the timed loop as for all
	a := now()
	for i := 0; i < *n; i++ {
		get()
	}
	b := now()
	calls := *n
	wall := b.wall.Sub(a.wall).Seconds()
	out, _ := json.Marshal(map[string]any{
		"mode": "seq", "calls": calls, "wall_s": wall, "cpu_s": b.cpu - a.cpu,
		"calls_per_s":  float64(calls) / wall,
		"csw_per_call": float64(b.csw-a.csw) / float64(calls),
	})
	fmt.Println(string(out))
}
