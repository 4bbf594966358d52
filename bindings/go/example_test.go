package hazy_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	hazy "github.com/hazy/libhazy/bindings/go"
)

// Authenticate with client credentials, train, follow the job, print the model.
func Example() {
	client, err := hazy.NewClient(os.Getenv("HAZY_HUB_HOST"), hazy.WithPollInterval(500*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx := context.Background()
	creds := hazy.ClientCredentials{ID: "api", Secret: os.Getenv("HAZY_CLIENT_SECRET")}
	if err := client.Authenticate(ctx, creds); err != nil {
		log.Fatal(err)
	}
	config, err := os.ReadFile("training-config.json")
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Train(ctx, "my-project", config)
	if err != nil {
		log.Fatal(err)
	}
	final, err := job.Wait(ctx, func(s hazy.JobStatus) {
		fmt.Printf("%-9s %3.0f%%\n", s.State, s.Progress*100)
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("model", final.ModelID)
}

// A deadline on Wait: the wait stops, the job goes on until cancelled.
func ExampleJob_Wait() {
	var job *hazy.Job // from Client.Train
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	final, err := job.Wait(ctx, nil)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Println("still running after 10 minutes; cancelling")
		job.Cancel(context.Background())
	case errors.Is(err, hazy.ErrJobFailed):
		fmt.Println("training failed:", final.FailureReason)
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("model", final.ModelID)
	}
}

// Classify errors with errors.Is, read the detail with errors.As.
func ExampleError() {
	var client *hazy.Client // from NewClient
	_, err := client.Train(context.Background(), "my-project", map[string]any{"data_input": []map[string]string{}})
	var he *hazy.Error
	switch {
	case errors.Is(err, hazy.ErrForbidden) && errors.As(err, &he):
		fmt.Println("missing scope:", he.Field)
	case errors.Is(err, hazy.ErrValidation) && errors.As(err, &he):
		fmt.Println("invalid field:", he.Field)
	case err != nil:
		fmt.Println(err)
	}
}

// Settings from the HAZY_* environment variables, credentials included.
func ExampleNewClientFromEnv() {
	client, err := hazy.NewClientFromEnv(hazy.WithTimeouts(5*time.Second, 30*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if err := client.Authenticate(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
}

// A bank's setup: no shared client secret. The client signs a JWT with its private key
// (Keycloak's "Signed JWT" client authentication), and every connection presents a TLS client
// certificate, for a Keycloak and a Hub behind a proxy that requires one.
func ExampleWithPrivateKeyJWT() {
	client, err := hazy.NewClient("https://hub.bank.example",
		hazy.WithAuthURL("https://sso.bank.example"),
		hazy.WithPrivateKeyJWT("hazy-batch", "/etc/hazy/client-key.pem"),
		hazy.WithClientCertificate("/etc/hazy/client.crt", "/etc/hazy/client.key"),
		hazy.WithCABundle("/etc/hazy/bank-ca.pem"))
	if err != nil {
		log.Fatal(err) // ErrInvalidArgument names a missing or unusable key or certificate file
	}
	defer client.Close()
	if err := client.Authenticate(context.Background(), nil); err != nil {
		log.Fatal(err) // ErrAuth with Keycloak's error for a key it does not know; ErrTLS without a certificate
	}
}

// libhazy's records through log/slog, and a call that joins the trace of the HTTP request
// being served.
func ExampleWithLogger() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, err := hazy.NewClientFromEnv(hazy.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	http.HandleFunc("/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if tp := r.Header.Get("traceparent"); tp != "" {
			ctx = hazy.ContextWithTraceparent(ctx, tp)
		}
		status, err := client.Job(r.PathValue("id")).Status(ctx)
		var he *hazy.Error
		if errors.As(err, &he) {
			http.Error(w, "Hub error, request id "+he.RequestID, http.StatusBadGateway)
			return
		}
		fmt.Fprintln(w, status.State)
	})
}
