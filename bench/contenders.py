"""How each contender is started and what it reports: one JSON line on stdout per run.

Every run is a fresh process. The timed part is measured inside the contender (around the
loop), except cold start, which is process start to exit, measured here with wait4.
"""
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RUN_TIMEOUT = 600


class BenchError(Exception):
    pass


class Tools:
    """Paths of the built contenders (make bench-tools builds them)."""

    def __init__(self, build_dir, lib_dir, python):
        self.build = Path(build_dir)
        self.lib_dir = Path(lib_dir)
        self.python = python

    def hazy(self):
        return [str(self.build / "hazy_bench")]

    def curl(self):
        return [str(self.build / "curl_bench")]

    def reqwest_floor(self):
        return [str(self.build / "reqwest_floor")]

    def alloc_count(self):
        return str(self.build / "alloc_count.so")

    def go(self):
        return [str(self.build / "go-client")]

    def python_client(self):
        return [self.python, str(HERE / "python" / "client.py")]

    def python_cold(self):
        return [self.python, str(HERE / "python" / "cold.py")]

    def cheapserver(self):
        return [str(self.build / "cheapserver")]


def client_env(hub, token_url, client_id, secret, job_id=None, lib_dir=None):
    """A clean environment: no inherited HAZY_* setting can change what a contender does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAZY_", "BENCH_"))}
    env.update(HAZY_HUB_HOST=hub, HAZY_TOKEN_URL=token_url, HAZY_CLIENT_ID=client_id,
               HAZY_CLIENT_SECRET=secret)
    if job_id:
        env["BENCH_JOB_ID"] = job_id
    if lib_dir:
        env["LD_LIBRARY_PATH"] = str(lib_dir)
    return env


# The log callback variants of the libhazy `seq` contender: (contender key, BENCH_LOG level).
# hazy_bench registers a cheap callback at that level (bench/c/hazy_bench.c, log_record).
LOG_VARIANTS = (("libhazy-log-error", "error"), ("libhazy-log-debug", "debug"))


def log_env(env, level):
    """env for a libhazy contender whose client has a log callback at `level`."""
    return dict(env, BENCH_LOG=level)


def run_json(argv, env, what):
    """Runs a contender; returns its JSON line. Any failure is a harness failure."""
    try:
        res = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what}: no answer in {RUN_TIMEOUT} s")
    lines = [l for l in res.stdout.splitlines() if l.startswith("{")]
    if res.returncode != 0 or not lines:
        raise BenchError(f"{what} exited {res.returncode}:\n{res.stderr[-2000:]}")
    return json.loads(lines[-1])


def run_timed(argv, env, what):
    """Cold start: wall time from spawn to exit and the child's CPU time (user + system)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    if proc.returncode != 0 or not lines or lines[-1].get("submitted") != 1:
        raise BenchError(f"{what} exited {proc.returncode}:\n{err[-2000:]}")
    out = {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "token_requests": lines[-1].get("token_requests")}
    # The instants a contender reports (CLOCK_MONOTONIC, the clock of time.monotonic on Linux),
    # as seconds since its spawn: where its cold start went.
    out.update({k + "_s": v - t0 for k, v in lines[-1].items() if k.startswith("t_")})
    return out


def wrk(url, token, seconds, connections, what):
    """Requests/s of wrk (1 thread) against url; any non-2xx answer is a failure."""
    env = {k: v for k, v in os.environ.items() if k != "BENCH_TOKEN"}
    if token:
        env["BENCH_TOKEN"] = token
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(HERE / "wrk-auth.lua"), url]
    res = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"Requests/sec:\s*([0-9.]+)", res.stdout)
    if res.returncode != 0 or m is None:
        raise BenchError(f"{what}: wrk exited {res.returncode}:\n{res.stdout}{res.stderr}")
    if "Non-2xx" in res.stdout:
        raise BenchError(f"{what}: wrk saw failed requests:\n{res.stdout}")
    # Timeouts at the end of a run are wrk's, not the server's: recorded, not fatal.
    errors = re.search(r"Socket errors:.*", res.stdout)
    return {"requests_per_s": float(m.group(1)), "socket_errors": errors.group(0) if errors else ""}


def allocations_per_call(tools, argv_for, env, what, n1=200, n2=2200):
    """Heap allocations (malloc, calloc, realloc) and bytes asked for per call: the contender
    `argv_for(n)` run for n1 and then n2 sequential calls under bench/c/alloc_count.c, so that
    what its start and exit allocate cancels out."""
    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (n1, n2):
            out = Path(tmp) / f"allocs-{n}"
            run_json(argv_for(n), dict(env, LD_PRELOAD=tools.alloc_count(), BENCH_ALLOC_OUT=str(out)), what)
            words = out.read_text().split()
            counts.append(dict(zip(words[::2], map(int, words[1::2]))))
    per_call = {k: (counts[1][k] - counts[0][k]) / (n2 - n1) for k in counts[0]}
    return {"allocations_per_call": per_call["malloc"] + per_call["calloc"] + per_call["realloc"],
            "bytes_per_call": per_call["bytes"]}
