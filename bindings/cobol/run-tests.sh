#!/usr/bin/env bash
# Tests of the COBOL binding (bindings/cobol: HAZY.cpy, HAZYLIB.cbl) with GnuCOBOL, against
# Keycloak and the Hub simulator:
#   - check_tables.py: HAZY.cpy's level-88 values against include/hazy.h, fixed-format columns,
#     and the `hazy` command's exit-code table (for HAZYTEST's exit_codes case);
#   - tests/HAZYTEST.cbl, the suite in COBOL (its header lists the cases);
#   - examples/cobol/TRAIN.cbl, trained with the client secret in HAZY_CLIENT_SECRET_FILE.
# Everything is built with cobc into build/cobol/, linking libhazy through the uninstalled
# pkg-config file of `make build`. The verdict comes from tests/common/verdict.py over the three
# JUnit reports: `cobol: N passed, M failed, K skipped`; non-zero on any failure.
#
# Run from anywhere, after `make build`, inside the test stack (it sets HAZY_TEST_*):
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash bindings/cobol/run-tests.sh
# or `make test-cobol` under the stack. HAZY_COBOL_BINDING_DIR=DIR tests the copybook and
# HAZYLIB.cbl of DIR instead of bindings/cobol (a scratch copy, to see a broken mapping fail).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
binding="${HAZY_COBOL_BINDING_DIR:-$here}"
out="$repo/build/cobol"
log() { printf '[cobol] %s\n' "$*"; }
die() { printf '[cobol] FAIL: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: run make deps"; }
need cobc
need pkg-config
need python3

if [ ! -f "$repo/build/lib/pkgconfig/hazy.pc" ]; then
    log "build/lib/pkgconfig/hazy.pc is missing: running make build"
    make -C "$repo" --no-print-directory build
fi
export PKG_CONFIG_PATH="$repo/build/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists hazy || die "pkg-config cannot find hazy"
hazy_cli="$repo/target/debug/hazy"
[ -x "$hazy_cli" ] || die "$hazy_cli is missing: run make build"

[ -n "${HAZY_TEST_HUB_URL:-}" ] && [ -n "${HAZY_TEST_SIM_ADMIN_URL:-}" ] ||
    die "HAZY_TEST_HUB_URL and HAZY_TEST_SIM_ADMIN_URL are not set: run this inside tests/stack/stack.py (see the header)"

log "$(cobc --version | head -n1); libhazy $(pkg-config --modversion hazy); binding $binding"
rm -rf "$out/reports"
mkdir -p "$out/reports"

# --- build: cobc links libhazy with pkg-config's flags; -Q hands them to the linker --------
# -fstatic-call: every CALL "literal" is a direct C call, resolved when linking.
cobol_build() { # cobol_build OUTPUT SOURCE...
    local output=$1; shift
    cobc -x -fstatic-call -Wall -I "$binding" -o "$output" "$@" "$binding/HAZYLIB.cbl" \
        -Q "$(pkg-config --libs hazy)"
}
# A program that does not compile (a condition HAZYTEST names is gone from the copybook, say)
# is a failed case, not the end of the run.
build_cases=()
for program in hazytest train-test; do
    case $program in
        hazytest) source_file="$here/tests/HAZYTEST.cbl"; case_name=build_hazytest ;;
        train-test) source_file="$repo/examples/cobol/TRAIN.cbl"; case_name=build_train ;;
    esac
    log "cobc: $(basename "$source_file")"
    rm -f "$out/$program"
    if cobol_build "$out/$program" "$source_file" > "$out/$program.cobc.log" 2>&1; then
        build_cases+=("<testcase classname=\"cobol\" name=\"$case_name\"/>")
    else
        sed 's/^/    /' "$out/$program.cobc.log"
        log "FAIL $case_name: cobc failed"
        build_cases+=("<testcase classname=\"cobol\" name=\"$case_name\"><failure message=\"cobc failed\"/></testcase>")
    fi
    # cobc's warnings are shown; -Wall finds none in these sources.
    [ ! -s "$out/$program.cobc.log" ] || [ ! -x "$out/$program" ] || sed 's/^/    /' "$out/$program.cobc.log"
done
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' '<testsuite name="cobol-build">' "${build_cases[@]}" \
    '</testsuite>' > "$out/reports/build.xml"

# --- static checks, and the CLI's exit codes for HAZYTEST ---------------------------------
python3 "$here/tests/check_tables.py" --header "$repo/include/hazy.h" --copybook "$binding/HAZY.cpy" \
    --report "$out/reports/static.xml" --hazy "$hazy_cli" --exit-table "$out/exit-codes.txt" \
    "$binding/HAZY.cpy" "$binding/HAZYLIB.cbl" "$here/tests/HAZYTEST.cbl" "$repo/examples/cobol/TRAIN.cbl"

# --- HAZYTEST against the stack -----------------------------------------------------------
# Projects of this run only (suites share the simulator); PREFIX-slow has 60 s jobs, for
# wait_timeout.
prefix="cobol-$(cat /proc/sys/kernel/random/uuid)"
PYTHONPATH="$repo/tests/common" python3 -c 'import sys, stackenv; stackenv.Sim().set_job_duration(sys.argv[1], 60000)' "$prefix-slow"

log "HAZYTEST"
hazytest_rc=127
if [ -x "$out/hazytest" ]; then
    set +e
    HAZY_COBOL_REPORT="$out/reports/hazytest.xml" \
    HAZY_COBOL_EXIT_TABLE="$out/exit-codes.txt" \
    HAZY_COBOL_CONFIG="$repo/examples/training-config.json" \
    HAZY_COBOL_BAD_CONFIG="$here/tests/missing-field.json" \
    HAZY_COBOL_PROJECT="$prefix" \
        "$out/hazytest"
    hazytest_rc=$?
    set -e
fi
# A crash leaves the report cut short (or missing): keep the cases it finished, and count the
# crash as a failed case of its own, so that the verdict still prints its line.
python3 - "$out/reports/hazytest.xml" "$hazytest_rc" <<'PY'
import sys, xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr
report, rc = Path(sys.argv[1]), sys.argv[2]
try:
    ET.parse(report)
except (OSError, ET.ParseError):
    text = report.read_text(errors="replace") if report.exists() else ""
    done = [line for line in text.splitlines() if line.startswith("<testcase ")]
    crash = ("HAZYTEST was not built" if rc == "127" else
             f"HAZYTEST ended with exit status {rc} before finishing its report")
    report.write_text("\n".join(['<?xml version="1.0" encoding="UTF-8"?>', '<testsuite name="cobol">', *done,
                                 f'<testcase classname="cobol" name="hazytest_run"><failure message={quoteattr(crash)}/></testcase>',
                                 "</testsuite>", ""]))
PY

# --- examples/cobol/TRAIN.cbl, as a batch step would run it -------------------------------
log "TRAIN (the example), with HAZY_CLIENT_SECRET_FILE"
secret_file="$out/client-secret"
( umask 077; printf '%s' "$HAZY_TEST_CLIENT_SECRET" > "$secret_file" )
set +e
(cd "$repo" && env -u HAZY_CLIENT_SECRET HAZY_HUB_HOST="$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$HAZY_TEST_CLIENT_ID" \
    HAZY_CLIENT_SECRET_FILE="$secret_file" HAZY_POLL_INTERVAL_MS=200 \
    "$out/train-test" "$prefix-example" examples/training-config.json) > "$out/train.out" 2>&1
train_rc=$?
set -e
rm -f "$secret_file"
sed 's/^/    /' "$out/train.out"
problem=""
if [ "$train_rc" -ne 0 ]; then
    problem="TRAIN exited with $train_rc, expected 0"
elif ! grep -qx '  succeeded' "$out/train.out"; then
    problem="TRAIN printed no progress line for the state succeeded"
elif ! grep -q '^training succeeded: model id .' "$out/train.out"; then
    problem="TRAIN printed no model id"
fi
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<testsuite name="cobol-example">'
    if [ -z "$problem" ]; then
        echo '<testcase classname="cobol" name="example_train"/>'
    else
        echo "<testcase classname=\"cobol\" name=\"example_train\"><failure message=\"$problem\"/></testcase>"
    fi
    echo '</testsuite>'
} > "$out/reports/example.xml"
[ -z "$problem" ] && log "ok   example_train" || log "FAIL example_train: $problem"

status=0
python3 "$repo/tests/common/verdict.py" cobol "$out/reports/build.xml" "$out/reports/static.xml" "$out/reports/hazytest.xml" \
    "$out/reports/example.xml" || status=1
[ "$hazytest_rc" -eq 0 ] || { log "HAZYTEST exited with $hazytest_rc"; status=1; }
exit "$status"
