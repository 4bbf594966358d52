"""SIGINT and SIGTERM during a wait: the wait stops with the documented code and a resume
hint; the job keeps running unless --cancel-on-interrupt; `hazy job wait` resumes it. The
command line of a waiting process carries no secret."""
import json
import os
import queue
import signal
import subprocess
import threading
import time

import pytest

from hazycli import EXIT, HAZY, SECRETS, TRAINING_CONFIG, assert_no_secret, base_env, hazy


class Waiting:
    """`hazy ARGS` started in the background, its stderr read line by line."""

    def __init__(self, *args, env=None):
        self.proc = subprocess.Popen([str(HAZY), *map(str, args)], env=env or base_env(), text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = queue.Queue()
        self.err = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stderr:
            self.err.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_line(self, text, timeout=30):
        """Blocks until a stderr line contains `text`; the handler is in place once progress shows."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, f"exited before printing {text!r}: {''.join(self.err)}"
            if text in line:
                return line

    def finish(self, timeout=30):
        out = self.proc.stdout.read()
        rc = self.proc.wait(timeout=timeout)
        time.sleep(0.1)  # the pump thread drains stderr
        err = "".join(self.err)
        assert_no_secret(out, err)
        return rc, out, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_wait_and_the_job_runs_on(project, sim, sig):
    sim.set_job_duration(project, 8_000)
    w = Waiting("train", "--project", project, "--config", TRAINING_CONFIG, "--wait")
    line = w.wait_for_line(" running ")
    job_id = line.split()[2]
    w.proc.send_signal(sig)
    rc, out, err = w.finish()
    assert rc == EXIT["interrupted"], err
    assert f"hazy: interrupted by {sig.name}: stopped waiting; job {job_id} is still running on the Hub" in err
    assert f"hazy: resume with: hazy job wait {job_id}\n" in err
    assert hazy("--json", "job", "get", job_id).json()["state"] == "running"
    resumed = hazy("--json", "job", "wait", job_id)
    assert resumed.rc == EXIT["success"], resumed.err
    assert resumed.json()["state"] == "succeeded"


def test_cancel_on_interrupt_cancels_the_job(project, sim):
    sim.set_job_duration(project, 60_000)
    w = Waiting("--json", "train", "--project", project, "--config", TRAINING_CONFIG, "--wait",
                "--cancel-on-interrupt")
    job_id = json.loads(w.wait_for_line('"state":"running"'))["progress"]["job_id"]
    w.proc.send_signal(signal.SIGTERM)
    rc, out, err = w.finish()
    assert rc == EXIT["cancelled"], err
    assert json.loads(out)["state"] == "cancelled"
    notice = json.loads(err.splitlines()[-1])["interrupted"]
    assert notice["signal"] == "SIGTERM" and notice["job_id"] == job_id and notice["exit_code"] == EXIT["cancelled"]
    assert hazy("--json", "job", "get", job_id).json()["state"] == "cancelled"


def test_interrupted_json_notice_carries_the_resume_command(project, sim):
    sim.set_job_duration(project, 60_000)
    job = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG).json()
    w = Waiting("--json", "job", "wait", job["id"])
    w.wait_for_line('"progress"')
    w.proc.send_signal(signal.SIGINT)
    rc, out, err = w.finish()
    assert rc == EXIT["interrupted"] and out == ""
    notice = json.loads(err.splitlines()[-1])["interrupted"]
    assert notice["resume"] == f"hazy job wait {job['id']}" and notice["exit_code"] == EXIT["interrupted"]
    assert hazy("--json", "job", "cancel", job["id"]).json()["state"] == "cancelled"


def test_no_secret_in_the_command_line_of_a_waiting_process(project, sim, tmp_path):
    sim.set_job_duration(project, 60_000)
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRETS["api"] + "\n")
    env = base_env()
    del env["HAZY_CLIENT_SECRET"]
    for how, extra_args, child_env in [("environment", [], base_env()),
                                       ("file", ["--client-secret-file", secret_file], env)]:
        w = Waiting(*extra_args, "train", "--project", project, "--config", TRAINING_CONFIG, "--wait",
                    "--cancel-on-interrupt", env=child_env)
        w.wait_for_line(" running ")
        cmdline = open(f"/proc/{w.proc.pid}/cmdline", "rb").read().decode()
        assert "train" in cmdline and SECRETS["api"] not in cmdline, how
        # The secret really was in play, through the environment or the file.
        environ = open(f"/proc/{w.proc.pid}/environ", "rb").read().decode()
        assert (SECRETS["api"] in environ) == (how == "environment")
        w.proc.send_signal(signal.SIGTERM)
        rc, _, err = w.finish()
        assert rc == EXIT["cancelled"], err


def test_a_second_signal_exits_while_the_cancel_hangs(project, sim):
    sim.set_job_duration(project, 60_000)
    job = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG).json()
    # The cancel request is answered only after 20 s.
    sim.add_fault(path_prefix=f"/api/v1/jobs/{job['id']}/cancel", method="POST", kind="latency", latency_ms=20_000)
    w = Waiting("job", "wait", job["id"], "--cancel-on-interrupt")
    w.wait_for_line(" running ")
    w.proc.send_signal(signal.SIGTERM)
    time.sleep(1)
    assert w.proc.poll() is None, "the first signal must wait for the cancel"
    start = time.monotonic()
    w.proc.send_signal(signal.SIGTERM)
    rc, _, err = w.finish(timeout=10)
    assert time.monotonic() - start < 5
    assert rc == EXIT["interrupted"] and "hazy: second SIGTERM: exiting now" in err
