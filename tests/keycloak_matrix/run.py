#!/usr/bin/env python3
"""The Keycloak version matrix: for each release in versions.py, its own Keycloak and Hub
simulator (tests/stack/stack.py) and suite.py against them, one release after another.

    python3 tests/keycloak_matrix/run.py --sim-bin target/debug/hazy-hub-sim [all | ci | 21 25.0.6 ...]
    python3 tests/keycloak_matrix/run.py fetch [all | ci | 21 ...]   # `make deps`: download once

Releases must already be cached (`make deps`); this script never downloads. Every release gets a
server of its own, whatever HAZY_TEST_* service the caller has, with one exception: `ci` under
make test's shared stack runs the newest release's own checks (test_matrix.py) on that stack's
Keycloak, which is that release, instead of starting it a second time (versions.py, CI). Prints
each release's times, writes build/keycloak-matrix/results.json, and ends with one summary line.
Exit status 0 only when every release passed.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import versions  # noqa: E402
from stack import CACHE, Flavour, fetch  # noqa: E402  (versions.py put tests/stack on the path)

RESULTS = REPO / "build" / "keycloak-matrix" / "results.json"
READY = re.compile(r"Keycloak ready in ([0-9.]+) s")


def log(msg):
    print(f"[keycloak-matrix] {msg}", file=sys.stderr, flush=True)


def fetch_releases(rows):
    for version, _, _ in rows:
        Flavour(version)
        if not (CACHE / f"keycloak-{version}.unpacked").exists():  # quiet when cached
            fetch(version)
    return 0


class Release:
    """One release's run: stack.py with suite.py inside, its stderr watched for the timings."""

    def __init__(self, version, path, jdk, sim_bin):
        self.version, self.path, self.jdk, self.sim_bin = version, path, jdk, sim_bin
        self.proc = None
        self.ready_s = self.suite_s = None
        self._suite_start = None

    def run(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HAZY_TEST_")}
        env.update(HAZY_MATRIX_VERSION=self.version, HAZY_MATRIX_PATH=self.path, HAZY_MATRIX_JDK=self.jdk)
        # 21-25 rebuild themselves at every start-dev: starts of 80-170 s were seen on a busy
        # 2-core machine, near the stack's default bound of 180 s.
        env.setdefault("HAZY_KEYCLOAK_START_TIMEOUT", "300")
        cmd = [sys.executable, "tests/stack/stack.py", "run", "--keycloak-version", self.version,
               "--keycloak-path", self.path, "--no-download", "--sim-bin", self.sim_bin,
               "--", sys.executable, "tests/keycloak_matrix/suite.py"]
        log(f"Keycloak {self.version} at {self.path} on JDK {self.jdk}")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True,
                                     errors="replace")
        watcher = threading.Thread(target=self._watch, daemon=True)
        watcher.start()
        code = self.proc.wait()
        watcher.join()
        self.total_s = time.monotonic() - t0
        self.passed = code == 0
        return self

    def _watch(self):
        for line in self.proc.stderr:
            sys.stderr.write(line)
            sys.stderr.flush()
            if m := READY.search(line):
                self.ready_s = float(m.group(1))
            elif "[stack] running:" in line:
                self._suite_start = time.monotonic()
            elif "[stack] command exited" in line and self._suite_start:
                self.suite_s = time.monotonic() - self._suite_start

    def stop(self, signum):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signum)  # the stack stops its Keycloak and simulator itself

    def row(self):
        return {"version": self.version, "path": self.path, "jdk": self.jdk, "passed": self.passed,
                "keycloak_ready_s": self.ready_s, "suite_s": self.suite_s and round(self.suite_s, 1),
                "total_s": round(self.total_s, 1)}


class SharedRelease(Release):
    """The newest release on the caller's stack (make test's): only test_matrix.py runs, as
    tests/integration runs the authentication suites on that Keycloak already."""

    def __init__(self, version, jdk, keycloak_url):
        super().__init__(version, urllib.parse.urlsplit(keycloak_url).path or "/", jdk, sim_bin=None)

    def run(self):
        env = dict(os.environ, HAZY_MATRIX_VERSION=self.version, HAZY_MATRIX_PATH=self.path,
                   HAZY_MATRIX_JDK=self.jdk, HAZY_MATRIX_SHARED_STACK="1")
        log(f"Keycloak {self.version} at {self.path} on JDK {self.jdk}: the shared stack's")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "tests/keycloak_matrix/suite.py"], cwd=REPO, env=env)
        self.passed = self.proc.wait() == 0
        self.total_s = self.suite_s = time.monotonic() - t0
        return self


def fmt(s):
    return "-" if s is None else f"{s:.0f} s"


def releases_for(names, sim_bin):
    rows = versions.select(names)
    shared_url = os.environ.get("HAZY_TEST_KEYCLOAK_URL") if names == ["ci"] else None
    return [SharedRelease(version, jdk, shared_url) if shared_url and (version, path, jdk) == versions.MATRIX[-1]
            else Release(version, path, jdk, sim_bin) for version, path, jdk in rows]


def run_matrix(releases):
    current = []

    def forward(signum, frame):
        for r in current:
            r.stop(signum)
        raise KeyboardInterrupt if signum == signal.SIGINT else SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)
    t0 = time.monotonic()
    done = []
    try:
        for release in releases:
            current[:] = [release]
            done.append(release.run())
    finally:
        for r in current:
            if r.proc and r.proc.poll() is None:
                r.proc.wait()
    total = time.monotonic() - t0

    print("\n| Keycloak | path | JDK | result | Keycloak ready | suite | total |")
    print("|---|---|---|---|---|---|---|")
    for r in done:
        print(f"| {r.version} | `{r.path}` | {r.jdk} | {'pass' if r.passed else 'FAIL'} | {fmt(r.ready_s)} "
              f"| {fmt(r.suite_s)} | {fmt(r.total_s)} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                                   "load_average": os.getloadavg(), "total_s": round(total, 1),
                                   "releases": [r.row() for r in done]}, indent=1) + "\n")
    passed = [r for r in done if r.passed]
    failed = [r.version for r in done if not r.passed]
    print(f"keycloak-matrix: {len(passed)} of {len(releases)} releases passed in {total:.0f} s"
          + (f"; FAILED: {', '.join(failed)}" if failed else "")
          + f" (results in {RESULTS.relative_to(REPO)})", flush=True)
    return 0 if len(passed) == len(releases) else 1


def main(argv):
    if argv[:1] == ["fetch"]:
        return fetch_releases(versions.select(argv[1:]))
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sim-bin", required=True, help="hazy-hub-sim binary (make build)")
    parser.add_argument("releases", nargs="*", help="all (default), ci, or versions/majors")
    args = parser.parse_args(argv)
    if not os.access(args.sim_bin, os.X_OK):
        parser.error(f"--sim-bin {args.sim_bin}: not an executable (run make build)")
    return run_matrix(releases_for(args.releases, args.sim_bin))


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        log("interrupted; every Keycloak stopped")
        sys.exit(130)
