package hazy

// Logging (WithLogger) and per-call trace context (ContextWithTraceparent). This file holds
// the exported log trampoline, so its preamble has declarations only; the C side of the
// callback lives in cgo.go.

/*
#include <stdint.h>
#include "hazy.h"
*/
import "C"

import (
	"context"
	"log/slog"
	"runtime/cgo"
	"time"
)

// LevelTrace is the slog level of libhazy's trace records (waits and decisions inside the
// token cache), one step below slog.LevelDebug. Enable it in the logger's handler to see them:
//
//	slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: hazy.LevelTrace})
const LevelTrace = slog.LevelDebug - 4

// WithLogger sends libhazy's log records to logger: failed calls (slog.LevelError), retries
// and rejected tokens (Warn), tokens granted, job state changes, TLS and proxy choices
// (Info), every HTTP exchange and token request (Debug), and token cache decisions
// (LevelTrace). The record's message is libhazy's message; its attributes are "event" (a
// stable dotted name such as "token.granted", "http.exchange", "retry", "call.failed") and,
// when present, "method", "url", "http_status", "attempt", "delay_ms", "elapsed_ms",
// "request_id", "job_id", "trace_id" and "span_id". Every string has been scrubbed of
// secrets and tokens by libhazy.
//
// The logger's handler decides the level: NewClient asks it (Handler.Enabled) for the most
// verbose level it takes and has libhazy produce only records at that level and above, so a
// logger that takes nothing costs nothing. A level lowered later (a slog.LevelVar) does not
// make an existing client log more verbosely; records are still checked against the
// handler's current level before they are handled.
//
// The handler is called on the goroutine inside the libhazy call, while that call waits,
// with context.Background(): it must be quick (hand slow work to a queue) and safe for
// concurrent use, as slog handlers are. It must not call the Client (such calls fail with
// ErrInvalidState). A panic in the handler is recovered and the record dropped: a panic
// never unwinds through the C library. nil removes a logger set by an earlier option.
//
// HAZY_LOG and HAZY_LOG_FILE (see libhazy's README) apply as well, independently.
func WithLogger(logger *slog.Logger) Option {
	return func(s *settings) { s.logger = logger }
}

// logSink is what the log trampoline reaches through the client's cgo.Handle. It does not
// refer to the Client, so that a client dropped without Close can still be finalized.
type logSink struct {
	handler slog.Handler
}

// cLogLevel is the most verbose libhazy level that logger takes; HAZY_LOG_LEVEL_OFF if none.
func cLogLevel(logger *slog.Logger) C.int32_t {
	ctx := context.Background()
	for _, l := range []struct {
		c C.int32_t
		s slog.Level
	}{
		{C.HAZY_LOG_LEVEL_TRACE, LevelTrace}, {C.HAZY_LOG_LEVEL_DEBUG, slog.LevelDebug},
		{C.HAZY_LOG_LEVEL_INFO, slog.LevelInfo}, {C.HAZY_LOG_LEVEL_WARN, slog.LevelWarn},
		{C.HAZY_LOG_LEVEL_ERROR, slog.LevelError},
	} {
		if logger.Enabled(ctx, l.s) {
			return l.c
		}
	}
	return C.HAZY_LOG_LEVEL_OFF
}

// slogLevel maps a libhazy level to its slog level.
func slogLevel(l C.hazy_log_level) slog.Level {
	switch l {
	case C.HAZY_LOG_LEVEL_ERROR:
		return slog.LevelError
	case C.HAZY_LOG_LEVEL_WARN:
		return slog.LevelWarn
	case C.HAZY_LOG_LEVEL_INFO:
		return slog.LevelInfo
	case C.HAZY_LOG_LEVEL_DEBUG:
		return slog.LevelDebug
	default:
		return LevelTrace
	}
}

// hazyGoLog is libhazy's log callback: it copies the record (valid only during this call)
// into a slog.Record and hands it to the client's handler. It runs on the thread inside the
// libhazy call. A panic in the handler is dropped here: it must never unwind through C.
//
//export hazyGoLog
func hazyGoLog(record *C.hazy_log_record_t, handle C.uintptr_t) {
	sink, ok := cgo.Handle(handle).Value().(*logSink)
	if !ok {
		return
	}
	defer func() { _ = recover() }()
	ctx := context.Background()
	level := slogLevel(C.hazy_log_record_level(record))
	if !sink.handler.Enabled(ctx, level) {
		return
	}
	// pc 0: the record's source is libhazy, not a line of this package.
	r := slog.NewRecord(time.Now(), level, C.GoString(C.hazy_log_record_message(record)), 0)
	r.AddAttrs(slog.String("event", C.GoString(C.hazy_log_record_event(record))))
	str := func(key string, p *C.char) {
		if p != nil {
			r.AddAttrs(slog.String(key, C.GoString(p)))
		}
	}
	str("method", C.hazy_log_record_method(record))
	str("url", C.hazy_log_record_url(record))
	if s := C.hazy_log_record_http_status(record); s != 0 {
		r.AddAttrs(slog.Int("http_status", int(s)))
	}
	if a := C.hazy_log_record_attempt(record); a != 0 {
		r.AddAttrs(slog.Int("attempt", int(a)))
	}
	if d := C.hazy_log_record_delay_ms(record); d >= 0 {
		r.AddAttrs(slog.Int64("delay_ms", int64(d)))
	}
	if d := C.hazy_log_record_elapsed_ms(record); d >= 0 {
		r.AddAttrs(slog.Int64("elapsed_ms", int64(d)))
	}
	str("request_id", C.hazy_log_record_request_id(record))
	str("job_id", C.hazy_log_record_job_id(record))
	str("trace_id", C.hazy_log_record_trace_id(record))
	str("span_id", C.hazy_log_record_span_id(record))
	_ = sink.handler.Handle(ctx, r)
	debugCollect()
}

// traceparentKey is the context key of ContextWithTraceparent.
type traceparentKey struct{}

// ContextWithTraceparent returns a copy of ctx carrying a W3C trace context,
// "00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>" (e.g. the traceparent header
// of the request your service is handling). Every Client call made with the returned context
// joins that trace: its requests carry the trace id in their traceparent headers, with a new
// span id per attempt, and its log records carry it as "trace_id". Without one, each call
// starts a new trace (or joins the client-wide one of WithTraceparent). A malformed
// traceparent makes the call fail with ErrInvalidArgument before anything is sent. An empty
// traceparent is the same as none.
func ContextWithTraceparent(ctx context.Context, traceparent string) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, traceparentKey{}, traceparent)
}

// TraceparentFromContext returns the trace context set by ContextWithTraceparent, and
// whether there is one (a non-empty one).
func TraceparentFromContext(ctx context.Context) (string, bool) {
	if ctx == nil {
		return "", false
	}
	tp, _ := ctx.Value(traceparentKey{}).(string)
	return tp, tp != ""
}

// WithTraceparent sets a client-wide W3C trace context that every call joins unless its
// context carries its own (ContextWithTraceparent); the same as WithOption("traceparent", tp)
// and the HAZY_TRACEPARENT environment variable. A malformed value makes NewClient fail with
// ErrInvalidArgument.
func WithTraceparent(traceparent string) Option { return WithOption("traceparent", traceparent) }
