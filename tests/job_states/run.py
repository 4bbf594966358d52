#!/usr/bin/env python3
"""Job states the Hub may spell differently, from C against the Hub simulator: the simulator is
told to answer a job's GETs with a given raw state (its `state` fault), and wait_states.c waits
for the job. `SUCCEEDED`, `completed` and `canceled` must end the wait as succeeded and
cancelled; an unknown word must reach the progress callback and end the wait with PROTOCOL
naming it, within unknown_state_timeout_ms and a poll.

    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- \
        python3 tests/job_states/run.py BUILD/tests/wait_states

The last line is `job-states: N passed, M failed`.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "reliability")]
import rel  # noqa: E402

PROGRAM = None
POLL_MS = 100
UNKNOWN_MS = 1000


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def wait_with_state(raw_state):
    """Trains, arms the simulator to answer the job's GETs with `raw_state`, waits; returns
    (snapshots, result line, seconds the wait took)."""
    project = rel.unique("states")
    env = dict(os.environ, HAZY_HUB_HOST=rel.HUB, HAZY_CLIENT_ID=rel.API[0], HAZY_CLIENT_SECRET=rel.API[1],
               HAZY_POLL_INTERVAL_MS=str(POLL_MS), HAZY_UNKNOWN_STATE_TIMEOUT_MS=str(UNKNOWN_MS))
    proc = subprocess.Popen([PROGRAM, project, rel.CONFIG], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    job_id = json.loads(proc.stdout.readline())["job_id"]
    rel.fault(rel.job_path(job_id), "state", method="GET", state=raw_state, count=1000)
    started = time.monotonic()
    proc.stdin.write("go\n")
    proc.stdin.flush()
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - started
    expect(proc.returncode == 0, f"wait_states exited {proc.returncode}: {err[-2000:]}")
    lines = [json.loads(line) for line in out.splitlines()]
    snapshots = [line for line in lines if line.get("snapshot")]
    result = [line for line in lines if "result" in line][-1]
    # What is left of the fault's count stays on this job's path alone: suites share the
    # simulator, so nothing is disarmed wholesale.
    return snapshots, result, took


def case_uppercase_succeeded():
    snaps, result, _ = wait_with_state("SUCCEEDED")
    expect(result["result"] == "OK", f"SUCCEEDED: {result}")
    expect(snaps[-1] == {"snapshot": True, "state": "succeeded", "raw_state": "SUCCEEDED"}, snaps[-1])


def case_completed():
    snaps, result, _ = wait_with_state("completed")
    expect(result["result"] == "OK", f"completed: {result}")
    expect(snaps[-1]["raw_state"] == "completed", snaps[-1])


def case_canceled():
    snaps, result, _ = wait_with_state("canceled")
    expect(result["result"] == "CANCELLED", f"canceled: {result}")
    expect(snaps[-1]["state"] == "cancelled", snaps[-1])


def case_unknown_state_ends_the_wait_by_the_rule():
    snaps, result, took = wait_with_state("ARCHIVED")
    expect(result["result"] == "PROTOCOL" and "ARCHIVED" in result["message"], f"ARCHIVED: {result}")
    expect(result["field"] == "state", f"field {result['field']}")
    expect(snaps and all(s["state"] == "unknown" and s["raw_state"] == "ARCHIVED" for s in snaps),
           f"the callback saw {snaps}")
    # The rule: unknown for unknown_state_timeout_ms, then the wait ends (plus a poll and slack).
    expect(UNKNOWN_MS / 1000 <= took < (UNKNOWN_MS + 3 * POLL_MS) / 1000 + 1.0, f"the wait took {took:.2f} s")


def main():
    global PROGRAM
    PROGRAM = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "build" / "tests" / "wait_states")
    rel.run_cases("job-states", {n[5:]: f for n, f in globals().items() if n.startswith("case_")})


if __name__ == "__main__":
    main()
