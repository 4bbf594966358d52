// Package hazy is the Go client of libhazy: it authenticates against Keycloak and trains
// models and follows jobs on Hazy's synthetic-data Hub. It wraps the native library
// libhazy.so through cgo.
//
// # Quick start
//
//	client, err := hazy.NewClient("https://hub.example.com")
//	if err != nil {
//		return err
//	}
//	defer client.Close()
//	ctx := context.Background()
//	err = client.Authenticate(ctx, hazy.ClientCredentials{ID: "api", Secret: secret})
//	if err != nil {
//		return err
//	}
//	job, err := client.Train(ctx, "my-project", configJSON) // []byte, string or a struct
//	if err != nil {
//		return err
//	}
//	final, err := job.Wait(ctx, func(s hazy.JobStatus) {
//		fmt.Printf("%s %.0f%%\n", s.State, s.Progress*100)
//	})
//	if err != nil {
//		return err
//	}
//	fmt.Println("model", final.ModelID)
//
// # Concurrency
//
// A Client is safe for concurrent use by many goroutines; create one per Hub and share
// it. It keeps one connection pool and one access token, renewed automatically before it
// expires (a single token request is made however many goroutines need one). Job values,
// JobStatus, Model and Error are plain values that can be used anywhere.
//
// Close closes the client in libhazy (hazy_client_close): the Waits in progress return an
// error matching ErrClosed within milliseconds, calls already sending a request finish it,
// and every later call returns an error matching ErrClosed; none crashes. Close does not
// block: the client's connections, tokens and credentials are released at once, or as the
// last call in progress returns. A finalizer frees the native client (hazy_free) once the
// Client is unreachable, closing it first if it was dropped without Close, as a safety net
// only.
//
// # Contexts
//
// Every blocking method takes a context.Context. Job.Wait honours it fully: when the context
// is cancelled or its deadline passes, the wait inside libhazy is cancelled within
// milliseconds and Wait returns an error that matches ctx.Err() with errors.Is. The other
// methods (Authenticate, Train, Generate, Status, Cancel, ListJobs, ListModels,
// AccessToken, Logout) make one request, with retries, that libhazy cannot interrupt midway: they
// check the context before they start, and the client's request timeout (WithTimeouts) and
// retry policy (WithRetry) bound how long they take. A call whose context ends while it
// runs still returns its real result, so a submitted job is never lost.
//
// # Errors
//
// Every failed call returns an *Error carrying the Status, a message, the HTTP status and
// the server's OAuth or problem code. Classify errors with errors.Is and the sentinels:
//
//	if errors.Is(err, hazy.ErrForbidden) { ... }
//	var he *hazy.Error
//	if errors.As(err, &he) { log.Print(he.HTTPStatus, he.OAuthError, he.Field) }
//
// The detail is read from the error object that libhazy returns for that very call, not from
// a thread-local "last error", so it is correct even though goroutines move between OS
// threads; there is no need for runtime.LockOSThread. Messages never contain secrets, and
// the credential types hide their secrets from fmt and log/slog.
//
// # Logging and tracing
//
// WithLogger sends libhazy's records (failed calls, retries, tokens granted, job state
// changes, HTTP exchanges) to a *slog.Logger, at the levels its handler enables, with the
// event name, request id and trace id as attributes; see WithLogger. Every request carries
// an X-Request-ID and a W3C traceparent header; a failed call's Error.RequestID is the
// request id support asks for. A call whose context comes from ContextWithTraceparent joins
// the caller's trace; WithTraceparent sets one for the whole client.
//
// # Callbacks and memory
//
// The progress function passed to Job.Wait reaches C as a runtime/cgo.Handle (an integer),
// never as a Go pointer; it runs on the goroutine that called Wait. A panic in it stops
// the wait and is re-raised by Wait after the C call returns. Results are copied into Go
// values at once and the native objects freed, so nothing returned by this package needs
// to be freed or closed, except the Client. Building with the hazydebug tag
// (go test -tags hazydebug) runs the garbage collector around every native call, to flush
// out use-after-free bugs in tests.
//
// # Building
//
// The package links libhazy through pkg-config (the package "hazy"):
//
//	PKG_CONFIG_PATH=/path/to/libhazy/build/lib/pkgconfig go build ./...
//
// after "make build" in the libhazy tree, or with no PKG_CONFIG_PATH after
// "make install PREFIX=/usr/local" (which installs lib/pkgconfig/hazy.pc). Without
// pkg-config, give the flags directly and make the pkg-config step print nothing:
//
//	PKG_CONFIG=true CGO_CFLAGS=-I/opt/hazy/include \
//	CGO_LDFLAGS="-L/opt/hazy/lib -Wl,-rpath,/opt/hazy/lib -lhazy" go build ./...
//
// cgo must be enabled (CGO_ENABLED=1, the default when a C compiler is installed).
//
// Do not use a Client in a child process after fork (Go programs rarely fork without exec).
package hazy
