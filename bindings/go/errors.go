package hazy

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Status classifies a failure. The numbers are libhazy's hazy_status values.
type Status int32

// The statuses. StatusOK never appears in an Error.
const (
	StatusOK              Status = 0
	StatusInvalidArgument Status = 1  // a bad argument or option, or no credentials; nothing was sent
	StatusAuth            Status = 2  // Keycloak or the Hub rejected the credentials or token
	StatusForbidden       Status = 3  // the token lacks a scope (HTTP 403); a missing audience is StatusAuth (HTTP 401)
	StatusNotFound        Status = 4  // unknown project, job, model or realm (HTTP 404)
	StatusValidation      Status = 5  // a config was refused, locally or by the Hub (400/422)
	StatusNetwork         Status = 6  // the server could not be reached, or the connection broke
	StatusTimeout         Status = 7  // a connect, request or wait deadline passed
	StatusTLS             Status = 8  // the TLS handshake failed
	StatusServer          Status = 9  // HTTP 5xx or 429 after retries ran out
	StatusProtocol        Status = 10 // an answer the library does not understand
	StatusCancelled       Status = 11 // the caller cancelled, or the job was cancelled on the Hub
	StatusJobFailed       Status = 12 // the job ended in state failed
	StatusPanic           Status = 13 // a bug inside libhazy was caught
	StatusInvalidState    Status = 14 // the client is closed (or used after fork)
)

var statusNames = [...]string{
	"OK", "INVALID_ARGUMENT", "AUTH", "FORBIDDEN", "NOT_FOUND", "VALIDATION", "NETWORK",
	"TIMEOUT", "TLS", "SERVER", "PROTOCOL", "CANCELLED", "JOB_FAILED", "PANIC", "INVALID_STATE",
}

// String returns the status's name, as libhazy spells it: "AUTH", "NOT_FOUND", ...
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "UNKNOWN"
}

// Sentinel errors, one per status, for errors.Is:
//
//	if errors.Is(err, hazy.ErrForbidden) { ... }
//
// An *Error matches the sentinel of its Status. ErrClosed additionally marks calls on a
// closed Client (their Status is StatusInvalidState).
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

	// ErrClosed is matched by the error of any call on a closed Client.
	ErrClosed = errors.New("hazy: client is closed")
)

// sentinels holds the sentinel of each status, indexed by status.
var sentinels = [...]error{
	StatusInvalidArgument: ErrInvalidArgument, StatusAuth: ErrAuth, StatusForbidden: ErrForbidden,
	StatusNotFound: ErrNotFound, StatusValidation: ErrValidation, StatusNetwork: ErrNetwork,
	StatusTimeout: ErrTimeout, StatusTLS: ErrTLS, StatusServer: ErrServer, StatusProtocol: ErrProtocol,
	StatusCancelled: ErrCancelled, StatusJobFailed: ErrJobFailed, StatusPanic: ErrPanic,
	StatusInvalidState: ErrInvalidState,
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

	err error // the underlying cause: a context error, ErrClosed, a JSON error
}

// Error formats the error as "hazy: OP: STATUS: message (details)".
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
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's Status.
func (e *Error) Is(target error) bool {
	// A comparison, not a map lookup: target may be of a type that cannot be hashed.
	return e.Status > StatusOK && int(e.Status) < len(sentinels) && target == sentinels[e.Status]
}

// Unwrap returns the underlying cause, if any: context.Canceled or
// context.DeadlineExceeded when a context ended the call, ErrClosed for a closed client.
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

func closedError(op string) error {
	return &Error{Op: op, Status: StatusInvalidState, Message: "the client is closed", err: ErrClosed}
}

func invalidArgument(op, format string, args ...any) error {
	return &Error{Op: op, Status: StatusInvalidArgument, Message: fmt.Sprintf(format, args...)}
}
