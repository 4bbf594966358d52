#!/usr/bin/env bash
# Times make test's phase with services at different SERVICE_JOBS, interleaved over rounds
# (machines here are noisy), in an already built tree (run `make test` once first):
#   scripts/compare-service-jobs.sh [ROUNDS] [JOBS...]      default: 2 rounds of 3 and 5
# Each run is `make test-with-services`, make test's second phase: its own Keycloak and simulator. Prints one line per run
# and the median per job count; each run's output goes to build/compare-service-jobs/.
set -uo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"; shift || true
jobs=("$@"); [ ${#jobs[@]} -gt 0 ] || jobs=(3 5)
out=build/compare-service-jobs; mkdir -p "$out"; : > "$out/times.txt"
for round in $(seq "$rounds"); do
    for j in "${jobs[@]}"; do
        start=$(date +%s.%N)
        make --no-print-directory test-with-services SERVICE_JOBS="$j" >"$out/round$round-j$j.log" 2>&1
        status=$?
        seconds=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
        echo "round $round -j$j: $seconds s, exit $status" | tee -a "$out/times.txt"
    done
done
python3 - "$out/times.txt" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"round \d+ -j(\d+): ([\d.]+) s", line)
    runs.setdefault(int(m.group(1)), []).append(float(m.group(2)))
for j, t in sorted(runs.items()):
    print(f"-j{j}: median {statistics.median(t):.1f} s over {len(t)} runs")
PY
