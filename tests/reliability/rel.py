"""Shared helpers of the reliability suite: the stack's settings, the simulator's /_sim/ admin
API, and submissions that report their idempotency key instead of raising.

Everything goes through build/lib/libhazy.so via tests/integration/hazy_ctypes.py; nothing here
talks to the Hub API itself.
"""
import os
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "integration"), str(REPO / "tests" / "common")]
import hazy_ctypes as hz  # noqa: E402  (the integration suite's wrapper: one binding, not two)
import stackenv  # noqa: E402

LIB = hz.LIB

HUB = os.environ["HAZY_TEST_HUB_URL"].rstrip("/")
TOKEN_URL = os.environ["HAZY_TEST_TOKEN_URL"]
KEYCLOAK = os.environ["HAZY_TEST_KEYCLOAK_URL"].rstrip("/")

# The realm's test principals, as tests/stack/stack.py exports them.
API = stackenv.client()
SHORT_LIVED = stackenv.client("SHORT_LIVED")  # 5-second access tokens
NO_TRAIN = stackenv.client("NO_TRAIN")
USER = stackenv.user()

CONFIG = stackenv.config_json()
SIM = stackenv.Sim()


def run_cases(suite, cases, run=lambda name, fn: fn()):
    """Runs every case, reporting each and going on after a failure; then one summary line
    (`SUITE: N passed, N failed`) and the exit status: 1 if any failed or none ran."""
    passed = failed = 0
    for name, fn in cases.items():
        t = time.monotonic()
        try:
            run(name, fn)
            passed += 1
            print(f"ok   {name} ({time.monotonic() - t:.1f} s)", flush=True)
        except Exception:  # noqa: BLE001  (report and go on: one summary for all)
            failed += 1
            print(f"FAIL {name} ({time.monotonic() - t:.1f} s)\n{traceback.format_exc()}", flush=True)
    print(f"{suite}: {passed} passed, {failed} failed")
    raise SystemExit(1 if failed or not passed else 0)


def unique(prefix):
    """A project id no other run shares, so per-project stats are ours alone."""
    return f"{prefix}-{os.getpid()}-{time.monotonic_ns()}"


def client(creds=API, **settings):
    s = {"host": HUB, "token_url": TOKEN_URL, "client_id": creds[0], "client_secret": creds[1]}
    s.update({k: str(v) for k, v in settings.items()})
    return hz.Client(s)


class Submission:
    """The outcome of one hazy_*_with_key call: a job id, or a status and the key the error
    object reported."""

    def __init__(self, status, job=None, key=None, message=None):
        self.status, self.job, self.key, self.message = status, job, key, message

    @property
    def ok(self):
        return self.status == hz.OK


def _submission(fn, *args):
    try:
        return Submission(hz.OK, job=fn(*args))
    except hz.HazyError as e:
        return Submission(e.status, key=e.idempotency_key, message=e.message)


def train_with_key(c, project, config=CONFIG, key=None):
    return _submission(c.train_with_key, project, config, key)


def generate_with_key(c, project, model_id, num_rows, key=None):
    return _submission(c.generate_with_key, project, model_id, num_rows, None, key)


def status_of(fn, *args):
    """Runs a wrapper call and returns (status, result or HazyError)."""
    try:
        return hz.OK, fn(*args)
    except hz.HazyError as e:
        return e.status, e


# -- the simulator's admin API (hub-sim/README.md)

def fault(path_prefix, kind, method=None, **kw):
    return SIM.add_fault(path_prefix=path_prefix, kind=kind, method=method, **kw)


def faults_on(prefix):
    return [f for f in SIM.faults() if f["path_prefix"].startswith(prefix)]


def stats(project):
    return SIM.stats(project)


def job_duration(project, ms):
    SIM.set_job_duration(project, ms)


def train_path(project):
    return f"/api/v1/projects/{project}/train-jobs"


def job_path(job_id):
    return f"/api/v1/jobs/{job_id}"
