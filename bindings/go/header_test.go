package hazy

import (
	"errors"
	"fmt"
	"testing"
)

// The Status and State constants are bound to hazy.h by cgo. These tests take the statuses
// and states from the library itself (hazy_status_name and hazy_state_name name exactly the
// values it has), with no number written here: a status or state added in Rust that this
// package does not map fails them. No server is involved: the statuses a real Hub or
// Keycloak answer with are tested once, in tests/*.rs and tests/integration.

func TestVersion(t *testing.T) {
	if v := Version(); v == "" || v != headerVersion {
		t.Fatalf("Version() = %q, the header says %q", v, headerVersion)
	}
}

// libraryValues returns the numbers in [-16, 1024) that the library names, by name; unknown
// is what the library calls every other number.
func libraryValues(name func(n int) string, unknown string) map[int]string {
	values := map[int]string{}
	for n := -16; n < 1024; n++ {
		if s := name(n); s != unknown {
			values[n] = s
		}
	}
	return values
}

// throughTakeError passes status n, with no C error object, through takeError, the function
// that turns every libhazy status into this package's error. S and E are cgo's hazy_status
// and *hazy_error_t, which a test file cannot name: they are inferred from takeError.
func throughTakeError[S ~int32 | ~uint32, E any](take func(string, S, E) error, n int) error {
	var none E // a nil *hazy_error_t
	return take("op", S(n), none)
}

// Every status the library names becomes an *Error of that status that matches its own
// sentinel, through wrapping too, and no other; OK is no error.
func TestEveryStatusMapsToItsSentinel(t *testing.T) {
	statuses := libraryValues(func(n int) string { return Status(n).String() }, "UNKNOWN")
	if len(statuses) < 2 || statuses[int(StatusOK)] != "OK" || statuses[int(StatusClosed)] != "CLOSED" {
		t.Fatalf("the library names the statuses %v", statuses)
	}
	for n, name := range statuses {
		err := throughTakeError(takeError, n)
		if Status(n) == StatusOK {
			if err != nil {
				t.Errorf("status OK gives the error %v", err)
			}
			continue
		}
		sentinel, ok := sentinels[Status(n)]
		if !ok {
			t.Errorf("libhazy's status %s (%d) has no sentinel error: map it in errors.go", name, n)
			continue
		}
		if sentinel.Error() != "hazy: "+name {
			t.Errorf("status %s (%d) maps to the sentinel %q", name, n, sentinel)
		}
		var he *Error
		if !errors.As(err, &he) || he.Status != Status(n) || he.Op != "op" {
			t.Errorf("status %s (%d) gives %#v", name, n, err)
			continue
		}
		wrapped := fmt.Errorf("context: %w", err)
		for other, otherSentinel := range sentinels {
			if got := errors.Is(wrapped, otherSentinel); got != (other == Status(n)) {
				t.Errorf("errors.Is(%s error, %v) = %v", name, otherSentinel, got)
			}
		}
	}
	for s := range sentinels {
		if _, ok := statuses[int(s)]; !ok {
			t.Errorf("the sentinel of status %d names no status of the library", s)
		}
	}
	if got := Status(1 << 20).String(); got != "UNKNOWN" {
		t.Errorf("a number that is no status is called %q", got)
	}
}

// Every state the library names is one of this package's constants; Done is true for the
// final ones.
func TestEveryStateIsAConstant(t *testing.T) {
	constants := map[State]bool{StateUnknown: false, StateQueued: false, StateRunning: false,
		StateSucceeded: true, StateFailed: true, StateCancelled: true} // the value: Done()
	states := libraryValues(func(n int) string { return State(n).String() }, "unknown")
	states[int(StateUnknown)] = StateUnknown.String()
	for n, name := range states {
		done, ok := constants[State(n)]
		if !ok {
			t.Errorf("libhazy's state %s (%d) has no State constant: add it in job.go (State, Done)", name, n)
			continue
		}
		if State(n).Done() != done {
			t.Errorf("%s.Done() = %v", name, State(n).Done())
		}
	}
	if len(states) != len(constants) {
		t.Errorf("the library names the states %v; this package has %d constants", states, len(constants))
	}
}
