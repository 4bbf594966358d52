// Command hazy-train authenticates against Keycloak with client credentials, trains a model
// on the Hub and follows the job to completion: the Go equivalent of examples/c/train.c and
// of the seed tutorial's SynthAPI(host, api_key).train(cfg, project_id).
//
// Settings come from the environment: HAZY_HUB_HOST, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET
// (and optionally HAZY_REALM, HAZY_AUTH_URL, HAZY_TOKEN_URL, HAZY_CA_BUNDLE, ...).
// Ctrl-C stops waiting (the job keeps running on the Hub).
//
// usage: hazy-train [PROJECT_ID [CONFIG_JSON_FILE]]
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	hazy "github.com/hazy/libhazy/bindings/go"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		var he *hazy.Error
		if errors.As(err, &he) && he.Field != "" {
			fmt.Fprintln(os.Stderr, "       field or scope:", he.Field)
		}
		os.Exit(1)
	}
}

func run() error {
	projectID, configPath := "demo-project", "examples/training-config.json"
	if len(os.Args) > 1 {
		projectID = os.Args[1]
	}
	if len(os.Args) > 2 {
		configPath = os.Args[2]
	}
	fmt.Println("libhazy", hazy.Version())

	config, err := os.ReadFile(configPath)
	if err != nil {
		return fmt.Errorf("cannot read the training config: %w", err)
	}

	// Host, realm, CA bundle, timeouts...: everything comes from the HAZY_* variables.
	client, err := hazy.NewClientFromEnv()
	if err != nil {
		return err
	}
	defer client.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	creds := hazy.ClientCredentials{ID: os.Getenv("HAZY_CLIENT_ID"), Secret: os.Getenv("HAZY_CLIENT_SECRET")}
	if err := client.Authenticate(ctx, creds); err != nil {
		return err
	}
	fmt.Println("authenticated with Keycloak")

	job, err := client.Train(ctx, projectID, config)
	if err != nil {
		return err
	}
	fmt.Printf("submitted training job %s to project %s\n", job.ID, projectID)

	// No deadline: a training job takes as long as it takes. Tokens renew underneath.
	// A line per change of state or percent (a job can reach 100% before it succeeds).
	lastLine := ""
	done, err := job.Wait(ctx, func(s hazy.JobStatus) {
		if line := fmt.Sprintf("  %-9s %3d%%", s.State, int(s.Progress*100+0.5)); line != lastLine {
			fmt.Println(line)
			lastLine = line
		}
	})
	if err != nil {
		return err
	}
	fmt.Println("training succeeded: model id", done.ModelID)
	return nil
}
