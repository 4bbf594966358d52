#!/usr/bin/env python3
"""Defect 3 of issue 10, end to end: a retry after a process restart must not make a second job.

    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- \
        python3 tests/reliability/restart.py

Each case runs real child processes (this file with `child`), the way a batch job reruns:
  - crash: the first process submits under its own key and is killed (SIGKILL) after the Hub
    has created the job but before the answer reaches it (the simulator holds the response
    back); a new process submits again with the same key.
  - lost answer: every attempt of the first process is dropped after the Hub created the job;
    it gets NETWORK, reads the key libhazy generated off the error
    (hazy_error_idempotency_key), saves it like a batch job's state, and exits; a new process
    resubmits with the saved key (hazy_train_with_key).
Both must end with the second process holding the first one's job and the simulator holding
exactly one job. The control case shows the hazard is real here: the same crash, rerun without
the key, leaves two jobs. Last line: `restart: N passed, M failed`.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import rel
from rel import hz

ATTEMPTS = 2


def child(project, key, state, timeout_ms):
    """One submission in this process; prints what it got as JSON. A failed call's key goes to
    `state`, as a batch job would keep it for its next run."""
    with rel.client(request_timeout_ms=timeout_ms, retry_max_attempts=ATTEMPTS, retry_base_delay_ms=20) as c:
        sub = rel.train_with_key(c, project, key=key)
    if not sub.ok and state and sub.key:
        with open(state, "w") as f:
            f.write(sub.key)
    print(json.dumps({"status": hz.status_name(sub.status), "job": sub.job.id if sub.ok else None,
                      "key": sub.key, "message": sub.message}), flush=True)
    return 0 if sub.ok else 3


def spawn(project, key=None, state=None, timeout_ms=120000, no_key=False):
    argv = [sys.executable, __file__, "child", project, key or "-", state or "-", str(timeout_ms)]
    if no_key:
        argv.append("--no-key")
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc, timeout=60):
    out, err = proc.communicate(timeout=timeout)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise AssertionError(f"child exited {proc.returncode} without a result; stderr: {err[-2000:]}")
    return json.loads(lines[-1])


def jobs_on_hub(project):
    with rel.client() as c:
        return [j.id for j in c.jobs_list(project)]


def wait_for_jobs(project, n, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if rel.stats(project)["jobs_total"] >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"the Hub did not create {n} job(s) for {project} within {timeout} s")


def kill_after_job_created(project, key=None, no_key=False):
    """Starts a child whose answer the Hub holds back, waits until the Hub has made the job,
    then kills the child before the answer arrives."""
    rel.fault(rel.train_path(project), "latency", method="POST", latency_ms=60000)
    proc = spawn(project, key=key, no_key=no_key)
    wait_for_jobs(project, 1)
    if proc.poll() is not None:
        raise AssertionError(f"the child finished before it could be killed: {proc.communicate()}")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    if proc.returncode != -signal.SIGKILL:
        raise AssertionError(f"the child exited {proc.returncode}, not by SIGKILL")


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def case_crash_then_rerun_with_the_same_key():
    project = rel.unique("restart-crash")
    key = f"batch-run-{rel.unique('k')}"
    kill_after_job_created(project, key=key)
    orphan = jobs_on_hub(project)
    expect(len(orphan) == 1, f"after the crash the Hub has jobs {orphan}")
    again = finish(spawn(project, key=key))
    expect_the_orphan(project, orphan, again, f"crash: first process killed after the Hub made job {orphan[0]}; "
                      f"the rerun with key {key!r}")


def expect_the_orphan(project, orphan, again, story):
    """The rerun got the job the first process left behind, and the Hub has no other."""
    jobs = jobs_on_hub(project)
    print(f"  {story} got {again['job']}; the Hub has {len(jobs)} job(s)")
    expect(again["status"] == "OK" and again["job"] == orphan[0], f"the rerun got {again}, not job {orphan[0]}")
    expect(rel.stats(project)["jobs_total"] == 1 and jobs == orphan, f"the Hub has jobs {jobs}")


def case_lost_answer_then_rerun_with_the_key_from_the_error():
    project = rel.unique("restart-lost")
    rel.fault(rel.train_path(project), "drop", method="POST", count=ATTEMPTS)
    with tempfile.TemporaryDirectory() as tmp:
        state = os.path.join(tmp, "state")
        first = finish(spawn(project, state=state))
        expect(first["status"] == "NETWORK", f"every attempt dropped gave {first}")
        expect(first["key"] and os.path.exists(state), "the failed call's error carried no idempotency key")
        with open(state) as f:
            key = f.read()
        orphan = jobs_on_hub(project)
        expect(len(orphan) == 1, f"after the dropped attempts the Hub has jobs {orphan}")
        again = finish(spawn(project, key=key))
    expect_the_orphan(project, orphan, again, f"lost answer: first process got NETWORK with key {key}, the Hub "
                      f"had made {orphan[0]}; a new process with that key")


def case_control_a_rerun_without_the_key_trains_twice():
    """Not a behaviour to keep: proof that the two cases above could see a second job."""
    project = rel.unique("restart-control")
    kill_after_job_created(project, no_key=True)
    again = finish(spawn(project, no_key=True))
    jobs = jobs_on_hub(project)
    print(f"  control: without the key the rerun made {again['job']}; the Hub has {len(jobs)} jobs")
    expect(again["status"] == "OK", f"the rerun failed: {again}")
    expect(len(jobs) == 2 and rel.stats(project)["jobs_total"] == 2, f"expected 2 jobs, the Hub has {jobs}")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    if sys.argv[1:2] == ["child"]:
        project, key, state, timeout_ms = sys.argv[2:6]
        # --no-key: a fresh key per process, as plain hazy_train gives.
        key = None if key == "-" or "--no-key" in sys.argv else key
        raise SystemExit(child(project, key, None if state == "-" else state, int(timeout_ms)))
    rel.run_cases("restart", CASES)


if __name__ == "__main__":
    main()
