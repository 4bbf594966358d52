//go:build hazydebug

package hazy

import "runtime"

// debugGC is true in builds with the hazydebug tag: a garbage collection runs before and
// after every call into libhazy (and in every progress callback), so that a Go value freed
// too early, or a C object used after its Go owner was collected, fails fast in tests.
const debugGC = true

func debugCollect() { runtime.GC() }
