package hazy

/*
#cgo pkg-config: hazy
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hazy.h"

// Defined in callback.go and logging.go (exported Go functions).
extern int32_t hazyGoProgress(hazy_job_t *job, uintptr_t handle);
extern void hazyGoLog(hazy_log_record_t *record, uintptr_t handle);

// The C progress callback. userdata carries a runtime/cgo.Handle (an integer), never a Go
// pointer, so C holds nothing the Go garbage collector manages.
static int32_t hazy_go_progress(const hazy_job_t *job, void *userdata) {
	return hazyGoProgress((hazy_job_t *)job, (uintptr_t)userdata);
}

// hazy_job_wait with the Go trampoline as callback and the handle as userdata. No timeout:
// deadlines come from the context, through the cancel token.
static hazy_status hazy_go_job_wait(hazy_client_t *client, const char *job_id, uintptr_t handle,
		const hazy_cancel_token_t *cancel, hazy_job_t **job_out, hazy_error_t **error) {
	return hazy_job_wait(client, job_id, 0, hazy_go_progress, (void *)handle, cancel, job_out, error);
}

// The C log callback; userdata carries the client's cgo.Handle, as for progress.
static void hazy_go_log(const hazy_log_record_t *record, void *userdata) {
	hazyGoLog((hazy_log_record_t *)record, (uintptr_t)userdata);
}

// hazy_options_set_log_callback with the Go trampoline as callback and the handle as userdata.
static hazy_status hazy_go_set_log_callback(hazy_options_t *options, uintptr_t handle, int32_t min_level,
		hazy_error_t **error) {
	return hazy_options_set_log_callback(options, hazy_go_log, (void *)handle, min_level, error);
}
*/
import "C"

import (
	"runtime/cgo"
	"strings"
	"unsafe"
)

// Version returns the version of the libhazy shared library in use, e.g. "0.1.0".
func Version() string {
	return C.GoString(C.hazy_version())
}

// headerVersion is the version of the hazy.h this package was compiled against.
const headerVersion = C.HAZY_VERSION

// cString copies s into C memory (free with freeCString). It refuses strings holding a NUL
// byte, which C would silently truncate.
func cString(op, what, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, &Error{Op: op, Status: StatusInvalidArgument, Message: what + " contains a NUL byte"}
	}
	return C.CString(s), nil
}

// freeCString frees a string made by cString. NULL is fine.
func freeCString(p *C.char) {
	C.free(unsafe.Pointer(p))
}

// freeSecret overwrites a C copy of a secret (a client secret, password or token) before
// freeing it, so that it does not linger in freed heap memory.
func freeSecret(p *C.char) {
	if p == nil {
		return
	}
	n := C.strlen(p)
	clear(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	C.free(unsafe.Pointer(p))
}

// goString converts an optional borrowed C string: NULL becomes "".
func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// takeError turns a status and the call's own error object into a Go error and frees the
// object. The detail comes only from that per-call object, never from thread-local state,
// so it does not matter which OS thread the goroutine ran on.
func takeError(op string, status C.hazy_status, cerr *C.hazy_error_t) error {
	if status == C.HAZY_STATUS_OK {
		C.hazy_error_free(cerr) // NULL on success; harmless either way
		return nil
	}
	e := &Error{Op: op, Status: Status(status)}
	if cerr != nil {
		e.Message = C.GoString(C.hazy_error_message(cerr))
		e.HTTPStatus = int(C.hazy_error_http_status(cerr))
		e.OAuthError = goString(C.hazy_error_oauth_error(cerr))
		e.OAuthDescription = goString(C.hazy_error_oauth_description(cerr))
		e.Field = goString(C.hazy_error_field(cerr))
		e.IdempotencyKey = goString(C.hazy_error_idempotency_key(cerr))
		e.RequestID = goString(C.hazy_error_request_id(cerr))
		C.hazy_error_free(cerr)
	}
	return e
}

// jobStatusFrom copies a job snapshot into Go memory. It does not free the C object.
func jobStatusFrom(j *C.hazy_job_t) JobStatus {
	return JobStatus{
		ID:             C.GoString(C.hazy_job_id(j)),
		ProjectID:      C.GoString(C.hazy_job_project_id(j)),
		Kind:           C.GoString(C.hazy_job_kind(j)),
		State:          State(C.hazy_job_state(j)),
		RawState:       C.GoString(C.hazy_job_raw_state(j)),
		Progress:       float64(C.hazy_job_progress(j)),
		ModelID:        goString(C.hazy_job_model_id(j)),
		FailureReason:  goString(C.hazy_job_failure_reason(j)),
		OutputLocation: goString(C.hazy_job_output_location(j)),
	}
}

// modelFrom copies a model into Go memory. It does not free the C object.
func modelFrom(m *C.hazy_model_t) Model {
	return Model{
		ID:            C.GoString(C.hazy_model_id(m)),
		ProjectID:     C.GoString(C.hazy_model_project_id(m)),
		TrainJobID:    goString(C.hazy_model_train_job_id(m)),
		GeneratorType: goString(C.hazy_model_generator_type(m)),
		Epsilon:       float64(C.hazy_model_epsilon(m)),
	}
}

// setLogCallback makes clients created from copts send their log records at minLevel and
// above to the trampoline, with handle as userdata.
func setLogCallback(copts *C.hazy_options_t, handle cgo.Handle, minLevel C.int32_t) error {
	var cerr *C.hazy_error_t
	return takeError("new client", C.hazy_go_set_log_callback(copts, C.uintptr_t(handle), minLevel, &cerr), cerr)
}

// jobWait calls hazy_job_wait with the Go trampoline as progress callback and handle as
// its userdata.
func jobWait(client *C.hazy_client_t, id *C.char, handle cgo.Handle, token *C.hazy_cancel_token_t,
	out **C.hazy_job_t, cerr **C.hazy_error_t) C.hazy_status {
	return C.hazy_go_job_wait(client, id, C.uintptr_t(handle), token, out, cerr)
}
