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
// Close releases it. A Client that becomes unreachable without Close is closed by a
// finalizer, but do not rely on that: finalizers may run late or never.
type Client struct {
	ptr *C.hazy_client_t // set once; freed (hazy_free) when refs drops to 0
	// refs is 1 for the open client plus 1 per call about to enter or inside libhazy. The
	// header allows hazy_free while other threads are inside calls, but no call may start
	// with a freed handle, and only this count can tell that a goroutine is about to.
	// It drops to 0 only after Close, and never rises again.
	refs   atomic.Int64
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
	c.refs.Store(1)
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

// Close closes the client: libhazy ends every Job.Wait in progress on it (they return an
// error matching ErrClosed within milliseconds), calls already sending a request finish it,
// and every later call returns an error matching ErrClosed; none crashes. Close does not
// wait for the calls in progress: the native client is freed (hazy_free) when the last of
// them returns, or at once if there is none. It is idempotent and safe to call from any
// goroutine, also from a progress function.
func (c *Client) Close() error {
	if c == nil || !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	runtime.SetFinalizer(c, nil)
	// The client's own reference is still held here, so the handle is valid.
	C.hazy_client_close(c.ptr)
	c.release()
	return nil
}

// acquire checks the context, then takes a reference to the native client for one call;
// release must follow. It fails only once the handle is freed; a call on a client that is
// closed but not yet freed gets HAZY_STATUS_CLOSED from libhazy itself.
func (c *Client) acquire(ctx context.Context, op string) (*C.hazy_client_t, error) {
	if c == nil {
		return nil, invalidArgument(op, "nil *hazy.Client")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		return nil, contextError(op, ctx)
	}
	for {
		n := c.refs.Load()
		if n == 0 {
			return nil, closedError(op)
		}
		if c.refs.CompareAndSwap(n, n+1) {
			return c.ptr, nil
		}
	}
}

// release gives back a reference; the last one frees the native client, after which
// libhazy calls its log callback no more, and then the logger's handle.
func (c *Client) release() {
	if c.refs.Add(-1) == 0 {
		C.hazy_free(c.ptr)
		if c.logHandle != 0 {
			c.logHandle.Delete()
		}
	}
}

// enter is acquire for a call made with ctx. When ctx carries a trace context
// (ContextWithTraceparent), it returns a view of the native client whose requests join that
// trace (hazy_client_with_traceparent), else the client itself. leave must follow.
func (c *Client) enter(ctx context.Context, op string) (*C.hazy_client_t, error) {
	ptr, err := c.acquire(ctx, op)
	if err != nil {
		return nil, err
	}
	tp, ok := TraceparentFromContext(ctx)
	if !ok {
		return ptr, nil
	}
	ctp, err := cString(op, "traceparent", tp)
	if err != nil {
		c.release()
		return nil, err
	}
	defer freeCString(ctp)
	var view *C.hazy_client_t
	var cerr *C.hazy_error_t
	if err := takeError(op, C.hazy_client_with_traceparent(ptr, ctp, &view, &cerr), cerr); err != nil {
		c.release()
		return nil, err
	}
	return view, nil
}

// leave ends what enter began: it frees the view, if ptr is one (which releases only the
// view, not the client), and gives back the reference.
func (c *Client) leave(ptr *C.hazy_client_t) {
	if ptr != c.ptr {
		C.hazy_free(ptr)
	}
	c.release()
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
	ptr, err := c.acquire(context.Background(), "token request count")
	if err != nil {
		return 0
	}
	defer c.release()
	n := uint64(C.hazy_token_request_count(ptr))
	runtime.KeepAlive(c)
	return n
}
