#!/usr/bin/env bash
# Tests of the Go binding: gofmt, go vet (with and without -tags hazydebug), and the suite run
# once, with -race and -tags hazydebug (a garbage collection around every libhazy call), against
# Keycloak and the Hub simulator. The tests also build and run examples/go. The verdict comes
# from go test -json (tests/common/verdict.py), the readable output is printed as it runs.
#
# Run from anywhere, after `make build`, inside the test stack (it sets HAZY_TEST_*):
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash bindings/go/run-tests.sh
# or `make test-go` under the stack. Exits non-zero on any failure or skipped test.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { printf '[go] %s\n' "$*"; }
die() { printf '[go] FAIL: %s\n' "$*" >&2; exit 1; }

# --- tools: Go >= 1.22, a C compiler, pkg-config (`make deps` installs what is missing) ----
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: run make deps"; }
[ -x /usr/local/go/bin/go ] && case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) PATH="$PATH:/usr/local/go/bin" ;; esac
need go
need gcc
need pkg-config
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
[ -n "$go_minor" ] && [ "$go_minor" -ge 22 ] || die "Go >= 1.22 is needed, found $(go env GOVERSION)"
export CGO_ENABLED=1

# --- libhazy, through its uninstalled pkg-config file --------------------------------------
if [ ! -f "$repo/build/lib/pkgconfig/hazy.pc" ]; then
    log "build/lib/pkgconfig/hazy.pc is missing: running make build"
    make -C "$repo" --no-print-directory build
fi
export PKG_CONFIG_PATH="$repo/build/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists hazy || die "pkg-config cannot find hazy"
# Go's build cache keys neither on pkg-config's output nor on hazy.h: put both in a define,
# so that a library in another place or a changed header rebuilds the package.
pc_id="$( { pkg-config --cflags --libs hazy; cat "$(pkg-config --variable=includedir hazy)/hazy.h"; } | cksum | cut -d' ' -f1)"
export CGO_CPPFLAGS="${CGO_CPPFLAGS:-} -DHAZY_BUILD_ID=$pc_id"

[ -n "${HAZY_TEST_HUB_URL:-}" ] && [ -n "${HAZY_TEST_KEYCLOAK_URL:-}" ] ||
    die "HAZY_TEST_HUB_URL and HAZY_TEST_KEYCLOAK_URL are not set: run this inside tests/stack/stack.py (see the header)"

log "$(go version); libhazy $(pkg-config --modversion hazy)"

# --- static checks -------------------------------------------------------------------------
cd "$here"
unformatted="$(gofmt -l . "$repo/examples/go")"
[ -z "$unformatted" ] || die "gofmt would change: $unformatted"
log "go vet"
go vet ./...
go vet -tags hazydebug ./...
(cd "$repo/examples/go" && go vet ./...)
log "go vet: clean"

# --- tests: once, race detector and GC around every libhazy call ------------------------------
tags=(-tags hazydebug)
label="race, GC around every libhazy call"
if [ "${HAZY_GO_CGOCHECK2:-}" = 1 ]; then
    # Also check every pointer store at run time (rebuilds the standard library once: slow).
    export GOEXPERIMENT=cgocheck2
    label="$label, cgocheck2"
fi
report="$(mktemp --suffix=.json)"
trap 'rm -f "$report"' EXIT
log "go test -race ${tags[*]} ($label)"
set +e
# The JSON events go to the report; their text (go test -v's output) to the terminal.
go test -race -count=1 -json "${tags[@]}" ./... | tee "$report" | python3 -u -c '
import json, sys
for line in sys.stdin:
    try:
        sys.stdout.write(json.loads(line).get("Output", ""))
    except ValueError:
        sys.stdout.write(line)
'
rc="${PIPESTATUS[0]}"
set -e
status=0
python3 "$repo/tests/common/verdict.py" go "$report" || status=1
[ "$rc" -eq 0 ] || { log "go test exited with $rc"; status=1; }
exit "$status"
