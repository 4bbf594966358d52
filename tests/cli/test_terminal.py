"""Progress while waiting: a bar on a terminal (run under a pseudo-terminal, its screen
reconstructed by screen.py), plain lines elsewhere."""
import codecs
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time

from hazycli import EXIT, HAZY, TRAINING_CONFIG, assert_no_secret, base_env, hazy
from screen import Screen

COLUMNS = 100


def run_in_pty(args, env, timeout=60):
    """Runs hazy with a pseudo-terminal as stdin, stdout and stderr; returns the exit code and
    every state of the screen, one per read."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, COLUMNS, 0, 0))
    proc = subprocess.Popen([str(HAZY), *map(str, args)], env=env, stdin=slave, stdout=slave, stderr=slave,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    screen, decoder, snapshots, raw = Screen(COLUMNS), codecs.getincrementaldecoder("utf-8")(), [], []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            text = decoder.decode(data)
            raw.append(text)
            screen.feed(text)
            snapshots.append(screen.lines())
        rc = proc.wait(timeout=10)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert_no_secret("".join(raw))
    return rc, snapshots


def test_progress_bar_on_a_terminal(project, sim):
    sim.set_job_duration(project, 4_000)
    env = base_env(TERM="xterm")
    rc, snapshots = run_in_pty(["train", "--project", project, "--config", TRAINING_CONFIG, "--wait"], env)
    final = snapshots[-1]
    assert rc == EXIT["success"], "\n".join(final)
    job_id = next(re.search(r"^hazy: submitted train job (\S+) in project ", l).group(1)
                  for l in final if l.startswith("hazy: submitted"))
    # The spinner leads; once finished it is blank.
    bar = re.compile(rf"^(?:\S| ) job {job_id[:8]} (\w+) +\[([=> ]{{30}})\] +(\d+)% (\d\d:\d\d:\d\d)$")

    # While waiting, the screen showed the bar running, partly filled, with the elapsed time.
    seen = [m.groups() for lines in snapshots for l in lines if (m := bar.match(l))]
    running = [(fill, int(pct), t) for state, fill, pct, t in seen if state == "running"]
    assert any(0 < pct < 100 and "=" in fill and fill.endswith(" ") for fill, pct, _ in running), running
    percents = [pct for _, pct, _ in running]
    assert percents == sorted(percents), "progress went backwards"
    elapsed = sorted({t for *_, t in seen})
    assert len(elapsed) >= 3 and elapsed[-1] >= "00:00:03", elapsed

    # At the end: one bar line (redrawn in place, not scrolled), full, succeeded, then the result.
    bar_lines = [i for i, l in enumerate(final) if bar.match(l)]
    assert len(bar_lines) == 1, "\n".join(final)
    state, fill, pct, _ = bar.match(final[bar_lines[0]]).groups()
    assert (state, fill, pct) == ("succeeded", "=" * 30, "100")
    assert final[bar_lines[0] + 1] == f"job:      {job_id}"
    assert "state:    succeeded" in final


def test_plain_progress_lines_when_not_a_terminal(project, sim):
    sim.set_job_duration(project, 3_000)
    run = hazy("train", "--project", project, "--config", TRAINING_CONFIG, "--wait")
    assert run.rc == EXIT["success"], run.err
    assert "\x1b" not in run.err + run.out and "\r" not in run.err
    lines = run.err.splitlines()
    job_id = re.match(r"^hazy: submitted train job (\S+) in project ", lines[0]).group(1)
    progress = [re.match(rf"^hazy: job {job_id} (\w+) (\d+)% elapsed (\d+)s$", l) for l in lines[1:]]
    assert all(progress), lines
    states = [m.group(1) for m in progress]
    assert states[0] == "queued" and "running" in states and states[-1] == "succeeded"
    assert progress[-1].group(2) == "100"
    # One line per state change or 10% step, not one per poll (HAZY_POLL_INTERVAL_MS is 200).
    assert len(progress) <= 12, lines


def test_quiet_prints_no_progress(project):
    run = hazy("--quiet", "train", "--project", project, "--config", TRAINING_CONFIG, "--wait")
    assert run.rc == EXIT["success"] and run.err == ""
    assert "state:    succeeded" in run.out
