#!/usr/bin/env bash
# Runs the fuzz targets one after the other, each for a bounded time, from the committed seed
# corpus, and prints one summary line per target with the executions libFuzzer reached.
# Any finding (crash, failed check, leak, timeout, out-of-memory) fails the run; the input is
# kept under fuzz/artifacts/TARGET/ and the command to replay it is printed.
#
#   fuzz/run.sh SECONDS CORPUS_ROOT [TARGET...]
#
# The seeds are copied into CORPUS_ROOT/TARGET, which libFuzzer then grows: fuzz/seeds stays
# exactly what is committed. `make test-fuzz` passes a fresh scratch root, so every run
# starts from the seeds alone; `make fuzz` keeps its root, so long runs build on each other.
# Needs cargo-fuzz (.cache/tools/bin, from `make deps`) and the nightly toolchain.
#
# HAZY_FUZZ_PROFILE=dev builds the targets without optimisation: 40 % less build CPU for
# a short run (make test), at fewer executions a second. The default, release, is for long runs.
set -euo pipefail

FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$FUZZ_DIR")
export PATH="$ROOT/.cache/tools/bin:$PATH"

if (($# < 2)); then
    echo "usage: $0 SECONDS CORPUS_ROOT [TARGET...]" >&2
    exit 2
fi
seconds=$1
corpus_root=$(mkdir -p "$2" && cd "$2" && pwd)
shift 2
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(options training_config token_response hub_response c_api)
fi
command -v cargo-fuzz >/dev/null || { echo "error: cargo-fuzz is missing: make deps" >&2; exit 1; }

case ${HAZY_FUZZ_PROFILE:-release} in
    release) profile=() ;;
    dev) profile=(--dev) ;;
    *) echo "error: HAZY_FUZZ_PROFILE is release or dev, not $HAZY_FUZZ_PROFILE" >&2; exit 2 ;;
esac

cd "$FUZZ_DIR"
# One build for every target (debug assertions, AddressSanitizer); `run` then finds it up to
# date.
cargo +nightly fuzz build "${profile[@]}"

# Per input: 10 s before it counts as a hang. Inputs up to 8 KiB, past every cut-off the
# redaction has to survive (300 and 2,048 characters).
flags=(-max_total_time="$seconds" -timeout=10 -max_len=8192 -print_final_stats=1)

failed=0
for target in "${targets[@]}"; do
    corpus="$corpus_root/$target"
    log="$corpus_root/$target.log"
    mkdir -p "$corpus"
    cp "seeds/$target/"* "$corpus/"
    seeds=$(find "seeds/$target" -type f | wc -l)
    status=0
    cargo +nightly fuzz run "${profile[@]}" "$target" "$corpus" -- "${flags[@]}" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n1)
    inputs=$(find "$corpus" -type f | wc -l)
    if ((status != 0)) || [[ -z $runs ]]; then
        failed=$((failed + 1))
        # The finding, where libFuzzer kept the input, and how to replay it; the whole log
        # stays beside the corpus.
        grep -E -A3 'panicked at|ERROR: [A-Za-z]+Sanitizer|ERROR: libFuzzer|^SUMMARY' "$log" | head -n 30 >&2 || true
        grep -E 'Test unit written to|cargo fuzz run' "$log" >&2 || true
        echo "fuzz $target: FAILED (exit $status) after ${runs:-?} executions; log: $log" >&2
        continue
    fi
    echo "fuzz $target: $runs executions in ${seconds} s, $seeds seeds -> $inputs corpus inputs, 0 findings"
done
echo "fuzz: ${#targets[@]} targets, $failed failed"
((failed == 0))
