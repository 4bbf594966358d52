package hazy

/*
#include "hazy.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Status classifies a failure. The constants are bound to libhazy's hazy_status values in
// hazy.h by cgo, so they cannot drift from the header; TestEveryStatusMapsToItsSentinel fails
// when the library gains a status that this package does not map.
type Status int32

// The statuses. StatusOK never appears in an Error.
const (
	StatusOK              Status = C.HAZY_STATUS_OK
	StatusInvalidArgument Status = C.HAZY_STATUS_INVALID_ARGUMENT // a bad argument or option, or no credentials; nothing was sent
	StatusAuth            Status = C.HAZY_STATUS_AUTH             // Keycloak or the Hub rejected the credentials or token
	StatusForbidden       Status = C.HAZY_STATUS_FORBIDDEN        // the token lacks a scope (HTTP 403); a missing audience is StatusAuth (HTTP 401)
	StatusNotFound        Status = C.HAZY_STATUS_NOT_FOUND        // unknown project, job, model or realm (HTTP 404)
	StatusValidation      Status = C.HAZY_STATUS_VALIDATION       // a config was refused, locally or by the Hub (400/409/422)
	StatusNetwork         Status = C.HAZY_STATUS_NETWORK          // the server could not be reached, or the connection broke
	StatusTimeout         Status = C.HAZY_STATUS_TIMEOUT          // a connect, request or wait deadline passed
	StatusTLS             Status = C.HAZY_STATUS_TLS              // the TLS handshake failed
	StatusServer          Status = C.HAZY_STATUS_SERVER           // HTTP 5xx or 429 after retries ran out
	StatusProtocol        Status = C.HAZY_STATUS_PROTOCOL         // an answer the library does not understand
	StatusCancelled       Status = C.HAZY_STATUS_CANCELLED        // the caller cancelled, or the job was cancelled on the Hub
	StatusJobFailed       Status = C.HAZY_STATUS_JOB_FAILED       // the job ended in state failed
	StatusPanic           Status = C.HAZY_STATUS_PANIC            // a bug inside libhazy was caught
	StatusInvalidState    Status = C.HAZY_STATUS_INVALID_STATE    // the client was created before fork(), used in the child
	StatusClosed          Status = C.HAZY_STATUS_CLOSED           // the client was closed (Close): waits in progress end with it, and so does every later call
	StatusProxyAuth       Status = C.HAZY_STATUS_PROXY_AUTH       // a proxy answered 407: set or check proxy_username and proxy_password_file; the message names the proxy
)

// String returns the status's name, as libhazy spells it: "AUTH", "NOT_FOUND", ...;
// "UNKNOWN" for a number that is not a status.
func (s Status) String() string {
	return C.GoString(C.hazy_status_name(C.int32_t(s)))
}

// Sentinel errors, one per status, for errors.Is:
//
//	if errors.Is(err, hazy.ErrForbidden) { ... }
//
// An *Error matches the sentinel of its Status, and only that one.
var (
	ErrInvalidArgument = errors.New("hazy: INVALID_ARGUMENT")
	ErrAuth            = errors.New("hazy: AUTH")
	ErrForbidden       = errors.New("hazy: FORBIDDEN")
	ErrNotFound        = errors.New("hazy: NOT_FOUND")
	ErrValidation      = errors.New("hazy: VALIDATION")
	ErrNetwork         = errors.New("hazy: NETWORK")
	ErrTimeout         = errors.New("hazy: TIMEOUT")
	ErrTLS             = errors.New("hazy: TLS")
	ErrServer          = errors.New("hazy: SERVER")
	ErrProtocol        = errors.New("hazy: PROTOCOL")
	ErrCancelled       = errors.New("hazy: CANCELLED")
	ErrJobFailed       = errors.New("hazy: JOB_FAILED")
	ErrPanic           = errors.New("hazy: PANIC")
	ErrInvalidState    = errors.New("hazy: INVALID_STATE")
	// ErrClosed is matched by the error of every call on a closed Client, and of every Wait
	// that Close ended (StatusClosed).
	ErrClosed = errors.New("hazy: CLOSED")
	// ErrProxyAuth: a proxy answered 407 Proxy Authentication Required (StatusProxyAuth).
	ErrProxyAuth = errors.New("hazy: PROXY_AUTH")
)

// sentinels maps each error status to its sentinel; a status missing here fails
// TestEveryStatusMapsToItsSentinel.
var sentinels = map[Status]error{
	StatusInvalidArgument: ErrInvalidArgument, StatusAuth: ErrAuth, StatusForbidden: ErrForbidden,
	StatusNotFound: ErrNotFound, StatusValidation: ErrValidation, StatusNetwork: ErrNetwork,
	StatusTimeout: ErrTimeout, StatusTLS: ErrTLS, StatusServer: ErrServer, StatusProtocol: ErrProtocol,
	StatusCancelled: ErrCancelled, StatusJobFailed: ErrJobFailed, StatusPanic: ErrPanic,
	StatusInvalidState: ErrInvalidState, StatusClosed: ErrClosed, StatusProxyAuth: ErrProxyAuth,
}

// Error is the error returned by every failed call. Use errors.As to read the detail, and
// errors.Is with the Err* sentinels to classify it. Messages never contain secrets.
type Error struct {
	// Op is the operation that failed, e.g. "authenticate", "train", "wait".
	Op string
	// Status classifies the failure.
	Status Status
	// Message is a human-readable description naming the cause.
	Message string
	// HTTPStatus is the HTTP status of the response that caused the error; 0 if none.
	HTTPStatus int
	// OAuthError is the machine-readable code from the server: Keycloak's OAuth "error"
	// (e.g. "invalid_client") or the Hub's problem code (e.g. "insufficient_scope").
	OAuthError string
	// OAuthDescription is Keycloak's "error_description", if any.
	OAuthDescription string
	// Field is the offending field for StatusValidation (e.g. "data_schema") or the missing
	// scope for StatusForbidden (e.g. "hazy/TrainJob:create").
	Field string
	// IdempotencyKey is the Idempotency-Key a failed Train or Generate (or their WithKey forms)
	// used, generated or given; "" for other calls. The job may exist on the Hub even though
	// the call failed: resubmit with TrainWithKey (or GenerateWithKey) and this key to get it
	// rather than a second job.
	IdempotencyKey string
	// RequestID is the X-Request-ID of the HTTP exchange that failed (the server's echo of
	// it, else the one libhazy sent); "" when the call failed before sending anything. It is
	// what Hazy support asks for, and it appears in Error()'s text.
	RequestID string

	err error // the underlying cause: a context error, a JSON error
}

// Error formats the error as "hazy: OP: STATUS: message (details)", where the details are
// the HTTP status, the server's error code, the field and the request id, when known.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("hazy: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Status.String())
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var details []string
	if e.HTTPStatus != 0 {
		details = append(details, fmt.Sprintf("HTTP %d", e.HTTPStatus))
	}
	if e.OAuthError != "" {
		details = append(details, "error "+e.OAuthError)
	}
	if e.Field != "" {
		details = append(details, "field "+e.Field)
	}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's Status.
func (e *Error) Is(target error) bool {
	// The lookup is by Status; target is only compared, since it may be of a type that
	// cannot be hashed.
	sentinel, ok := sentinels[e.Status]
	return ok && target == sentinel
}

// Unwrap returns the underlying cause, if any: context.Canceled or
// context.DeadlineExceeded when a context ended the call.
func (e *Error) Unwrap() error { return e.err }

// contextError is the error of a call that ctx stopped, or never let start. It matches
// ctx.Err() (and the cause given to context.WithCancelCause, if any) and ErrCancelled or,
// for a deadline, ErrTimeout.
func contextError(op string, ctx context.Context) *Error {
	ctxErr, cause := ctx.Err(), context.Cause(ctx)
	status := StatusCancelled
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		status = StatusTimeout
	}
	wrapped := ctxErr
	if cause != nil && cause != ctxErr {
		wrapped = fmt.Errorf("%w: %w", ctxErr, cause)
	}
	return &Error{Op: op, Status: status, Message: wrapped.Error(), err: wrapped}
}

// closedError is the error of a call on a Client closed before the call began; it is the
// error libhazy gives for a call on a closed client.
func closedError(op string) error {
	return &Error{Op: op, Status: StatusClosed, Message: "the client was closed"}
}

func invalidArgument(op, format string, args ...any) error {
	return &Error{Op: op, Status: StatusInvalidArgument, Message: fmt.Sprintf(format, args...)}
}
