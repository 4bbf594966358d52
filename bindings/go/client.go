package hazy

/*
#include <stdlib.h>
#include "hazy.h"
*/
import "C"

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// A Client talks to one Hazy Hub and its Keycloak: it holds the settings, a connection pool
// and the access token, which it renews before it expires. Create one with NewClient or
// NewClientFromEnv and share it: it is safe for concurrent use by any number of goroutines,
// and one client makes a single token request however many goroutines need a token.
//
// Close releases it. A Client that becomes unreachable without Close is closed by a
// finalizer, but do not rely on that: finalizers may run late or never.
type Client struct {
	mu        sync.Mutex
	ptr       *C.hazy_client_t
	inflight  int                             // calls that are using ptr
	closing   bool                            // Close has started: no new calls
	drained   chan struct{}                   // closed when inflight drops to 0 during Close
	closeDone chan struct{}                   // closed when Close has freed ptr
	waits     map[*C.hazy_cancel_token_t]bool // cancel tokens of running Waits
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
	var ptr *C.hazy_client_t
	if st := C.hazy_client_new(copts, &ptr, &cerr); st != C.HAZY_STATUS_OK {
		return nil, takeError(op, st, cerr)
	}
	debugCollect()
	c := &Client{ptr: ptr, waits: make(map[*C.hazy_cancel_token_t]bool)}
	runtime.SetFinalizer(c, finalizeClient)
	return c, nil
}

// finalized counts clients closed by their finalizer (read by tests).
var finalized atomic.Int64

// finalizeClient closes a client that became unreachable without Close. Nothing can be
// using it then: every call keeps its Client reachable (runtime.KeepAlive) until it returns.
func finalizeClient(c *Client) {
	finalized.Add(1)
	c.Close()
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

// Close releases the client. It is idempotent and safe to call from several goroutines.
//
// Close first stops every Job.Wait in progress on this client (they return an error
// matching ErrClosed), then blocks until the other calls in progress return (each is bounded
// by the request timeout), then frees the native client. Calls made after Close has started
// return an error matching ErrClosed; they never crash. Do not call Close from a progress
// function passed to Job.Wait on the same client: it would wait for that Wait forever.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	if c.closing {
		done := c.closeDone
		c.mu.Unlock()
		<-done
		return nil
	}
	c.closing = true
	c.closeDone = make(chan struct{})
	for token := range c.waits {
		C.hazy_cancel_token_cancel(token)
	}
	var drained chan struct{}
	if c.inflight > 0 {
		drained = make(chan struct{})
		c.drained = drained
	}
	c.mu.Unlock()
	if drained != nil {
		<-drained
	}
	c.mu.Lock()
	ptr := c.ptr
	c.ptr = nil
	c.mu.Unlock()
	C.hazy_free(ptr)
	runtime.SetFinalizer(c, nil)
	close(c.closeDone)
	return nil
}

// acquire checks the context, then reserves the native client for one call; release must
// follow. With a token, the call is a Wait whose token Close cancels.
func (c *Client) acquire(ctx context.Context, op string, token *C.hazy_cancel_token_t) (*C.hazy_client_t, error) {
	if c == nil {
		return nil, invalidArgument(op, "nil *hazy.Client")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		return nil, contextError(op, ctx)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return nil, closedError(op)
	}
	c.inflight++
	if token != nil {
		c.waits[token] = true
	}
	return c.ptr, nil
}

func (c *Client) release(token *C.hazy_cancel_token_t) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if token != nil {
		delete(c.waits, token)
	}
	c.inflight--
	if c.inflight == 0 && c.drained != nil {
		close(c.drained)
		c.drained = nil
	}
}

// call runs one blocking libhazy call that a context cannot interrupt once it has started:
// the context is checked before, and the client's request timeout bounds the call.
func (c *Client) call(ctx context.Context, op string, f func(*C.hazy_client_t, **C.hazy_error_t) C.hazy_status) error {
	ptr, err := c.acquire(ctx, op, nil)
	if err != nil {
		return err
	}
	defer c.release(nil)
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
	ptr, err := c.acquire(context.Background(), "token request count", nil)
	if err != nil {
		return 0
	}
	defer c.release(nil)
	n := uint64(C.hazy_token_request_count(ptr))
	runtime.KeepAlive(c)
	return n
}
