package hazy

/*
#include <stdlib.h>
#include "hazy.h"
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"sync/atomic"
)

// A Client talks to one Hazy Hub and its Keycloak: it holds the settings, a connection pool
// and the access token, which it renews before it expires. Create one with NewClient or
// NewClientFromEnv and share it: it is safe for concurrent use by any number of goroutines,
// and one client makes a single token request however many goroutines need one.
//
// Close releases its connections, tokens and credentials. A Client that becomes unreachable
// without Close is closed by a finalizer, but do not rely on that: finalizers may run late
// or never.
type Client struct {
	// ptr is set once and freed (hazy_free) only by the finalizer. Close does not free it
	// (hazy_client_close releases everything heavy), so no call can find it freed: every
	// call keeps its Client reachable (runtime.KeepAlive) until it returns.
	ptr    *C.hazy_client_t
	closed atomic.Bool
	// logHandle is the cgo.Handle of the WithLogger sink that libhazy passes to the log
	// callback (0 without a logger). It is deleted with the native client, not by Close:
	// calls still in progress after Close may log.
	logHandle cgo.Handle
}

// NewClient creates a client for the Hub at host (e.g. "https://hub.example.com"). With
// only the host set, the token endpoint is HOST/auth/realms/hazy/protocol/openid-connect/token;
// change it with WithRealm, WithAuthURL or WithTokenURL. No network traffic happens here.
// The environment is not read: use NewClientFromEnv for that.
func NewClient(host string, opts ...Option) (*Client, error) {
	return openClient(append([]Option{WithHost(host)}, opts...), false)
}

// NewClientFromEnv creates a client from the HAZY_* environment variables (HAZY_HUB_HOST,
// HAZY_CLIENT_ID, HAZY_CLIENT_SECRET, HAZY_REALM, HAZY_TOKEN_URL, HAZY_CA_BUNDLE, ...; the
// full list is in libhazy's README), then applies opts, which win over the environment.
// Credentials found there are used by Authenticate(ctx, nil).
func NewClientFromEnv(opts ...Option) (*Client, error) {
	return openClient(opts, true)
}

func openClient(opts []Option, fromEnv bool) (*Client, error) {
	const op = "new client"
	s := &settings{}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.err != nil {
		return nil, s.err
	}
	debugCollect()
	copts := C.hazy_options_new()
	defer C.hazy_options_free(copts)
	var cerr *C.hazy_error_t
	if fromEnv {
		if st := C.hazy_options_load_env(copts, &cerr); st != C.HAZY_STATUS_OK {
			return nil, takeError(op, st, cerr)
		}
	}
	for _, kv := range s.list {
		if err := setOption(copts, kv.key, kv.value); err != nil {
			return nil, err
		}
	}
	var logHandle cgo.Handle
	if s.logger != nil {
		if level := cLogLevel(s.logger); level != C.HAZY_LOG_LEVEL_OFF {
			// Made before hazy_client_new, which may log already.
			logHandle = cgo.NewHandle(&logSink{handler: s.logger.Handler()})
			if err := setLogCallback(copts, logHandle, level); err != nil {
				logHandle.Delete()
				return nil, err
			}
		}
	}
	var ptr *C.hazy_client_t
	if st := C.hazy_client_new(copts, &ptr, &cerr); st != C.HAZY_STATUS_OK {
		if logHandle != 0 {
			logHandle.Delete()
		}
		return nil, takeError(op, st, cerr)
	}
	debugCollect()
	c := &Client{ptr: ptr, logHandle: logHandle}
	// go.mod's Go 1.22 predates runtime.AddCleanup.
	runtime.SetFinalizer(c, finalizeClient)
	return c, nil
}

// finalized counts clients freed by their finalizer (read by tests).
var finalized atomic.Int64

// finalizeClient frees the native client (closing it first if Close was not called) once
// the Client is unreachable. Nothing can be using it then: every call keeps its Client
// reachable (runtime.KeepAlive) until it returns. After hazy_free returns libhazy calls
// the log callback no more, so the logger's handle goes too.
func finalizeClient(c *Client) {
	finalized.Add(1)
	C.hazy_free(c.ptr)
	if c.logHandle != 0 {
		c.logHandle.Delete()
	}
}

func setOption(copts *C.hazy_options_t, key, value string) error {
	const op = "new client"
	ckey, err := cString(op, "option key", key)
	if err != nil {
		return err
	}
	defer freeCString(ckey)
	cval, err := cString(op, "value of option "+key, value)
	if err != nil {
		return err
	}
	defer freeSecret(cval) // may be a secret: wiped before it is freed
	var cerr *C.hazy_error_t
	return takeError(op, C.hazy_options_set(copts, ckey, cval, &cerr), cerr)
}

// Close closes the client: libhazy ends every Job.Wait in progress on it (they return an
// error matching ErrClosed within milliseconds), calls already sending a request finish it,
// and every later call returns an error matching ErrClosed; none crashes. Close releases at
// once (hazy_client_close) the client's connections, its tokens and credentials (wiped) and
// the rest of its native state, or, for calls still in progress, as the last of them
// returns; it does not wait for them. What little is left is freed (hazy_free) by the
// finalizer. It is idempotent and safe to call from any goroutine, also from a progress
// function.
func (c *Client) Close() error {
	if c == nil || !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	C.hazy_client_close(c.ptr)
	runtime.KeepAlive(c)
	return nil
}

// enter checks the client and the context before a call made with ctx, and returns the
// handle to call with; leave must follow, and the caller keeps c reachable until then
// (leave uses it). When ctx carries a trace context (ContextWithTraceparent), it returns a
// view of the native client whose requests join that trace (hazy_client_with_traceparent),
// else the client itself. A call on a client closed meanwhile gets HAZY_STATUS_CLOSED from
// libhazy itself.
func (c *Client) enter(ctx context.Context, op string) (*C.hazy_client_t, error) {
	if c == nil {
		return nil, invalidArgument(op, "nil *hazy.Client")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		return nil, contextError(op, ctx)
	}
	if c.closed.Load() {
		return nil, closedError(op)
	}
	tp, ok := TraceparentFromContext(ctx)
	if !ok {
		return c.ptr, nil
	}
	ctp, err := cString(op, "traceparent", tp)
	if err != nil {
		return nil, err
	}
	defer freeCString(ctp)
	var view *C.hazy_client_t
	var cerr *C.hazy_error_t
	st := C.hazy_client_with_traceparent(c.ptr, ctp, &view, &cerr)
	runtime.KeepAlive(c)
	if err := takeError(op, st, cerr); err != nil {
		return nil, err
	}
	return view, nil
}

// leave ends what enter began: it frees the view, if ptr is one (which releases only the
// view, not the client).
func (c *Client) leave(ptr *C.hazy_client_t) {
	if ptr != c.ptr {
		C.hazy_free(ptr)
	}
	runtime.KeepAlive(c)
}

// call runs one blocking libhazy call that a context cannot interrupt once it has started:
// the context is checked before, and the client's request timeout bounds the call. The call
// joins ctx's trace context, if it has one.
func (c *Client) call(ctx context.Context, op string, f func(*C.hazy_client_t, **C.hazy_error_t) C.hazy_status) error {
	ptr, err := c.enter(ctx, op)
	if err != nil {
		return err
	}
	defer c.leave(ptr)
	debugCollect()
	var cerr *C.hazy_error_t
	st := f(ptr, &cerr)
	runtime.KeepAlive(c)
	debugCollect()
	return takeError(op, st, cerr)
}

// Authenticate obtains an access token from Keycloak with creds: ClientCredentials,
// Password or BearerToken. With nil it uses the credentials configured through options or
// the environment (a bearer token if set, else the password grant if a username and
// password are set, else client credentials). The token is cached and renewed
// automatically before it expires, so call Authenticate once per client.
//
// Errors: ErrAuth (rejected; Error.OAuthError carries Keycloak's code, e.g.
// "invalid_client"), ErrForbidden, ErrNotFound (unknown realm or token URL),
// ErrInvalidArgument (no credentials configured), ErrNetwork, ErrTimeout, ErrTLS, ErrServer,
// ErrProtocol. The context is checked before the request starts; see the package doc.
func (c *Client) Authenticate(ctx context.Context, creds Credentials) error {
	if creds == nil {
		return c.call(ctx, "authenticate", func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
			return C.hazy_authenticate(p, e)
		})
	}
	return creds.authenticate(ctx, c)
}

// Logout ends the Keycloak session behind the client's tokens: the refresh token is revoked
// and its session logged out, and with WithTokenCache the cache file's entry for the
// client's credentials too. The client forgets its tokens, so a later call authenticates
// anew. An access token handed out already stays valid until it expires. Call it when a
// program that used the Password grant is done; without a refresh token (client
// credentials) there is nothing to revoke and it returns nil.
//
// Errors: ErrInvalidArgument (no credentials configured, a BearerToken, or a token URL that
// does not end in /token), ErrAuth (Keycloak refused the client), ErrTimeout (the token
// cache's lock stayed held), ErrNetwork, ErrTLS, ErrServer, ErrProtocol. The context is
// checked before the requests start; see the package doc.
func (c *Client) Logout(ctx context.Context) error {
	return c.call(ctx, "logout", func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_logout(p, e)
	})
}

// AccessToken returns a currently valid access token (renewing it first if due), for
// calling other Hazy APIs directly. Treat it as a secret.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	var out *C.char
	err := c.call(ctx, "access token", func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_access_token(p, &out, e)
	})
	if err != nil {
		return "", err
	}
	token := C.GoString(out)
	C.hazy_string_free(out) // wipes the C copy
	return token, nil
}

// TokenRequestCount reports how many HTTP requests the client has sent to the token
// endpoint since it was created (retries included): 0 for a closed client. For monitoring
// and tests.
func (c *Client) TokenRequestCount() uint64 {
	if c == nil || c.closed.Load() {
		return 0
	}
	n := uint64(C.hazy_token_request_count(c.ptr))
	runtime.KeepAlive(c)
	return n
}
