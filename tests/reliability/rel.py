"""Shared helpers of the reliability suite: the stack's settings, the simulator's /_sim/ admin
API, and submissions that report their idempotency key instead of raising.

Everything goes through build/lib/libhazy.so via tests/integration/hazy_ctypes.py; nothing here
talks to the Hub API itself.
"""
import json
import os
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import hazy_ctypes as hz  # noqa: E402  (the integration suite's wrapper: one binding, not two)

LIB = hz.LIB

HUB = os.environ["HAZY_TEST_HUB_URL"].rstrip("/")
TOKEN_URL = os.environ["HAZY_TEST_TOKEN_URL"]
KEYCLOAK = os.environ["HAZY_TEST_KEYCLOAK_URL"].rstrip("/")

# Clients of tests/realm/hazy-realm.json.
API = ("api", "api-Sup3r-S3cret-0001")
SHORT_LIVED = ("api-short-lived", "short-Sup3r-S3cret-0002")  # 5-second access tokens
NO_TRAIN = ("api-no-train", "notrain-Sup3r-S3cret-0003")
USER = ("analyst", "analyst-Passw0rd!")

CONFIG = json.dumps({"data_schema": {"tables": [{"name": "t", "dtypes": {"a": "int"}}]},
                     "data_input": [{"name": "t", "location": "s3://bucket/t.csv"}],
                     "model_parameters": {"generator_type": "priv_bayes", "epsilon": 1000.0}})


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

def sim(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(HUB + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def fault(path_prefix, kind, method=None, **kw):
    return sim("POST", "/_sim/faults", dict(path_prefix=path_prefix, kind=kind, method=method, **kw))


def faults_on(prefix):
    return [f for f in sim("GET", "/_sim/faults")["items"] if f["path_prefix"].startswith(prefix)]


def stats(project):
    return sim("GET", f"/_sim/stats?project_id={project}")


def job_duration(project, ms):
    sim("PUT", f"/_sim/projects/{project}", {"job_duration_ms": ms})


def train_path(project):
    return f"/api/v1/projects/{project}/train-jobs"


def job_path(job_id):
    return f"/api/v1/jobs/{job_id}"
