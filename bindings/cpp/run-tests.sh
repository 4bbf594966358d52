#!/usr/bin/env bash
# The C++ binding's tests, as `make test-cpp` runs them: from the repo root, after
# `make build`, inside tests/stack/stack.py (Keycloak + the Hub simulator, HAZY_TEST_* set).
#
#   1. installs cmake, ninja, a C/C++ compiler, pkg-config and GoogleTest if missing (Debian);
#   2. installs libhazy into a temporary prefix (make install PREFIX=...);
#   3. builds the GoogleTest suite once, -std=c++11, with -Wall -Wextra -Wpedantic -Werror and
#      -fsanitize=address,undefined, and compiles the header under extra warnings as C++11,
#      14, 17 and 20;
#   4. runs everything once with ctest: the suite end to end, and the consumer projects that
#      build the C and C++ examples outside the tree with find_package(Hazy) and pkg-config;
#      the verdict comes from ctest's JUnit report (tests/common/verdict.py).
#
# Standalone:
#   make build
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash bindings/cpp/run-tests.sh
#
# Environment: HAZY_CPP_BUILD_DIR (default build/cpp-tests), HAZY_CPP_JOBS (default 2).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUILD_DIR=${HAZY_CPP_BUILD_DIR:-$ROOT/build/cpp-tests}
JOBS=${HAZY_CPP_JOBS:-2}

log() { echo "[cpp] $*"; }

# --- 1. tools (`make deps` installs them: tests/ensure-deps.sh) ------------------------------
missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
for pkg in libgtest-dev googletest; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "error: missing packages: ${missing[*]}: run make deps" >&2
    exit 1
fi

# --- 2. services and library ---------------------------------------------------------------
for var in HAZY_TEST_HUB_URL HAZY_TEST_KEYCLOAK_URL HAZY_TEST_TOKEN_URL; do
    if [[ -z ${!var:-} ]]; then
        echo "error: $var is not set: run this under tests/stack/stack.py (make test-cpp does)" >&2
        exit 1
    fi
done
if [[ ! -e build/lib/libhazy.so ]]; then
    log "build/lib/libhazy.so missing: make build"
    make --no-print-directory build
fi

PREFIX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hazy-cpp-prefix.XXXXXX")
trap 'rm -rf "$PREFIX_DIR"' EXIT
log "make install PREFIX=$PREFIX_DIR"
if ! make --no-print-directory install PREFIX="$PREFIX_DIR" >"$PREFIX_DIR.log" 2>&1; then
    cat "$PREFIX_DIR.log" >&2
    rm -f "$PREFIX_DIR.log"
    echo "error: make install failed" >&2
    exit 1
fi
rm -f "$PREFIX_DIR.log"

# --- 3. build ------------------------------------------------------------------------------
log "configuring and building in $BUILD_DIR (the suite as C++11 with ASan+UBSan; the header as C++11 to 20)"
cmake -S bindings/cpp/tests -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DHAZY_ROOT="$ROOT" -DHAZY_LIB_DIR="$ROOT/build/lib" -DHAZY_INSTALL_PREFIX="$PREFIX_DIR" \
    -DHAZY_SANITIZE=ON >/dev/null
cmake --build "$BUILD_DIR" --parallel "$JOBS"

# --- 4. run --------------------------------------------------------------------------------
log "running ctest"
REPORT="$BUILD_DIR/ctest-junit.xml"
rm -f "$REPORT"
set +e
(cd "$BUILD_DIR" && ctest --output-on-failure --parallel "$JOBS" --timeout 300 --output-junit "$REPORT")
status=$?
set -e
# Never pass silently: a failed, skipped or disabled test, or no test at all, fails the run.
python3 tests/common/verdict.py cpp "$REPORT" || status=1
exit "$status"
