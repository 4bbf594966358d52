package hazy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The constants are bound to hazy.h by cgo; these tests make a status that hazy.h (or the
// library) has and this package does not map fail the suite.

// headerEnum parses `typedef enum { PREFIX_X = N, ... } typedefName;` out of the hazy.h that
// cgo compiled against (found through pkg-config, as the build finds it).
func headerEnum(t *testing.T, typedefName, prefix string) map[string]int {
	t.Helper()
	out, err := exec.Command("pkg-config", "--variable=includedir", "hazy").Output()
	if err != nil {
		t.Fatalf("pkg-config --variable=includedir hazy: %v", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "hazy.h")
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`typedef enum \{([^}]*)\}\s*` + typedefName + `;`).FindSubmatch(text)
	if block == nil {
		t.Fatalf("%s: no enum %s", path, typedefName)
	}
	body := regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`).ReplaceAllString(string(block[1]), "")
	entry := regexp.MustCompile(`^(` + prefix + `[A-Z0-9_]+)\s*=\s*(-?\d+)$`)
	values := map[string]int{}
	for _, item := range strings.Split(body, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		m := entry.FindStringSubmatch(item)
		if m == nil {
			t.Fatalf("%s: cannot read enumerator %q of %s", path, item, typedefName)
		}
		values[strings.TrimPrefix(m[1], prefix)], _ = strconv.Atoi(m[2])
	}
	if len(values) < 2 {
		t.Fatalf("%s: %s has %d enumerators", path, typedefName, len(values))
	}
	return values
}

func TestStatusTableMatchesHeader(t *testing.T) {
	header := headerEnum(t, "hazy_status", "HAZY_STATUS_")
	byNumber := map[int]string{}
	for name, n := range header {
		byNumber[n] = name
		s := Status(n)
		if got := s.String(); got != name {
			t.Errorf("Status(%d).String() = %q, hazy.h says %s", n, got, name)
		}
		if s == StatusOK {
			continue
		}
		sentinel, ok := sentinels[s]
		if !ok {
			t.Errorf("HAZY_STATUS_%s (%d) has no sentinel error: map it in errors.go", name, n)
			continue
		}
		if sentinel.Error() != "hazy: "+name {
			t.Errorf("HAZY_STATUS_%s (%d) maps to %q", name, n, sentinel)
		}
	}
	for s := range sentinels {
		if _, ok := byNumber[int(s)]; !ok {
			t.Errorf("sentinel of Status(%d) has no status in hazy.h", s)
		}
	}
	// The library agrees with the header: it names exactly the statuses hazy.h has.
	for n := -1; n <= 64; n++ {
		if got, want := Status(n).String(), byNumber[n]; got != want && !(want == "" && got == "UNKNOWN") {
			t.Errorf("libhazy calls status %d %q, hazy.h %q", n, got, want)
		}
	}
	// The named constants that matter to this package's own logic.
	if header["CLOSED"] != int(StatusClosed) || header["OK"] != int(StatusOK) || header["CANCELLED"] != int(StatusCancelled) {
		t.Errorf("constants differ from hazy.h: %v", header)
	}
}

func TestStateTableMatchesHeader(t *testing.T) {
	header := headerEnum(t, "hazy_state", "HAZY_STATE_")
	for name, n := range header {
		if got := State(n).String(); got != strings.ToLower(name) {
			t.Errorf("State(%d).String() = %q, hazy.h says %s", n, got, name)
		}
	}
	if len(header) != 6 || header["CANCELLED"] != int(StateCancelled) || header["SUCCEEDED"] != int(StateSucceeded) {
		t.Errorf("hazy.h has states %v: map new ones in job.go (State, Done)", header)
	}
	done := map[State]bool{StateSucceeded: true, StateFailed: true, StateCancelled: true}
	for s := StateUnknown; s <= StateCancelled; s++ {
		if s.Done() != done[s] {
			t.Errorf("%v.Done() = %v", s, s.Done())
		}
	}
}
