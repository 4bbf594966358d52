package hazy

// This file holds the exported trampoline. A file with //export may only have declarations
// in its preamble, so the C side of the callback lives in cgo.go.

/*
#include <stdint.h>
#include "hazy.h"
*/
import "C"

import "runtime/cgo"

// waitState is what a Wait shares with its progress callback, through a cgo.Handle.
// The callback runs on the goroutine that called Wait (cgo runs callbacks on the calling
// goroutine), so no lock is needed.
type waitState struct {
	progress func(JobStatus)
	last     JobStatus
	seen     bool
	panicked bool
	panicVal any
}

// hazyGoProgress is called by hazy_job_wait after every poll. It records the snapshot, calls
// the user's progress function, and turns a panic in it into "stop waiting" (a non-zero
// return), because a Go panic must never unwind through the Rust frames of the library.
// Wait re-raises the panic once the C call has returned.
//
//export hazyGoProgress
func hazyGoProgress(job *C.hazy_job_t, handle C.uintptr_t) (stop C.int32_t) {
	st, ok := cgo.Handle(handle).Value().(*waitState)
	if !ok {
		return 1
	}
	debugCollect()
	status := jobStatusFrom(job)
	st.last, st.seen = status, true
	if st.progress == nil {
		return 0
	}
	defer func() {
		if r := recover(); r != nil {
			st.panicked, st.panicVal = true, r
			stop = 1
		}
	}()
	st.progress(status)
	debugCollect()
	return 0
}
