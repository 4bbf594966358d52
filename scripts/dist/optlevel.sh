#!/usr/bin/env bash
# Measures the release library (x86_64, glibc 2.17, no LTO) at opt-level 3, "s" and "z", to
# choose the level in Cargo.toml by numbers: the stripped size, and the project's benchmark
# client (bench/c/hazy_bench.c, as `make bench` uses it) against the Hub simulator:
#   seq N   CPU and wall time per hazy_job_get over N sequential calls (one client);
#   cold    process start -> token -> one training job submitted -> exit (wall and CPU).
# The rounds interleave the levels so that a busy machine hurts them alike; medians are printed.
# The level currently in Cargo.toml is taken from target/ (`make dist`); the others are built
# into .cache/optlevel/LEVEL so that target/ stays as `make dist` left it.
#   make dist
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash scripts/dist/optlevel.sh [N] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${HAZY_TEST_HUB_URL:?run under tests/stack/stack.py}" "${HAZY_TEST_TOKEN_URL:?run under tests/stack/stack.py}"
n=${1:-2000}
rounds=${2:-5}
current=$(sed -n '/^\[profile.release\]/,/^\[/s/^opt-level = "\{0,1\}\([0-9sz]\)"\{0,1\}$/\1/p' Cargo.toml)
out=.cache/optlevel
mkdir -p "$out"

for level in 3 s z; do
    if [ "$level" = "$current" ]; then
        lib=target/x86_64-unknown-linux-gnu/release/libhazy.so
    else
        lib=$out/$level/x86_64-unknown-linux-gnu/release/libhazy.so
        start=$(date +%s)
        CARGO_TARGET_DIR=$out/$level CARGO_PROFILE_RELEASE_OPT_LEVEL=$level \
            bash scripts/dist/build.sh x86_64 >"$out/build-$level.log" 2>&1 \
            || { tail -20 "$out/build-$level.log"; exit 1; }
        echo "opt-level $level: built in $(( $(date +%s) - start )) s"
    fi
    [ -f "$lib" ] || { echo "optlevel.sh: $lib is missing (make dist)" >&2; exit 1; }
    mkdir -p "$out/lib-$level"
    strip --strip-all -o "$out/lib-$level/libhazy.so.0" "$lib"
    ln -sf libhazy.so.0 "$out/lib-$level/libhazy.so"
done

# One client binary for all three: the library is chosen at run time with LD_LIBRARY_PATH.
cc -std=c99 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Iinclude -Ibench/c \
    bench/c/hazy_bench.c -L"$out/lib-3" -lhazy -lpthread -o "$out/hazy_bench"

python3 - "$out" "$n" "$rounds" <<'PY'
import json, os, statistics, subprocess, sys, time
sys.path.insert(0, "bench")
import run  # the benchmark's own helpers: token, finished job, client settings

out, n, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hub, token_url = os.environ["HAZY_TEST_HUB_URL"], os.environ["HAZY_TEST_TOKEN_URL"]
job_id, _ = run.finished_job(hub, run.token(token_url))
levels = ["3", "s", "z"]
figures = {lv: {"seq_cpu": [], "seq_wall": [], "cold_wall": [], "cold_cpu": []} for lv in levels}

def env(level):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("HAZY_", "BENCH_"))}
    e.update(HAZY_HUB_HOST=hub, HAZY_TOKEN_URL=token_url, HAZY_CLIENT_ID=run.CLIENT_ID,
             HAZY_CLIENT_SECRET=run.CLIENT_SECRET, BENCH_JOB_ID=job_id,
             LD_LIBRARY_PATH=os.path.abspath(f"{out}/lib-{level}"))
    return e

for r in range(rounds):
    for level in levels[r % 3:] + levels[:r % 3]:  # rotate the order every round
        doc = json.loads(subprocess.run([f"{out}/hazy_bench", "seq", str(n)], env=env(level), check=True,
                                        capture_output=True, text=True).stdout)
        figures[level]["seq_cpu"].append(doc["cpu_s"] / doc["calls"] * 1e6)
        figures[level]["seq_wall"].append(doc["wall_s"] / doc["calls"] * 1e6)
        t0 = time.monotonic()
        p = subprocess.Popen([f"{out}/hazy_bench", "cold", f"optlevel-{level}", "examples/training-config.json"],
                             env=env(level), stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            sys.exit(f"optlevel: cold start at opt-level {level} failed ({p.returncode})")
        figures[level]["cold_wall"].append(wall * 1e3)
        figures[level]["cold_cpu"].append((ru.ru_utime + ru.ru_stime) * 1e3)

print(f"\nmedians of {rounds} interleaved rounds; seq = {n} sequential hazy_job_get against the Hub simulator")
print("| opt-level | stripped .so bytes | seq CPU us/call | seq wall us/call | cold start wall ms | cold start CPU ms |")
print("|---|---:|---:|---:|---:|---:|")
for level in levels:
    f, size = figures[level], os.path.getsize(f"{out}/lib-{level}/libhazy.so.0")
    med = {k: statistics.median(v) for k, v in f.items()}
    print(f"| {level} | {size} | {med['seq_cpu']:.1f} | {med['seq_wall']:.1f} | {med['cold_wall']:.1f} | {med['cold_cpu']:.1f} |")
PY
