"""Shared helpers of the reliability suite: the stack's settings, the simulator's /_sim/ admin
API, and the idempotency-key calls of the C API (which tests/integration/hazy_ctypes.py predates).

Everything goes through build/lib/libhazy.so via ctypes; nothing here talks to the Hub API itself.
"""
import ctypes
import json
import os
import sys
import time
import urllib.request
from ctypes import POINTER, byref, c_char_p, c_int, c_uint64, c_void_p
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import hazy_ctypes as hz  # noqa: E402  (the integration suite's wrapper: one binding, not two)

LIB = hz.LIB
_pp = POINTER(c_void_p)
_KEY_SIGS = {
    "hazy_train_with_key": ([c_void_p, c_char_p, c_char_p, c_char_p, _pp, _pp], c_int),
    "hazy_generate_with_key": ([c_void_p, c_char_p, c_char_p, c_uint64, c_char_p, c_char_p, _pp, _pp], c_int),
    "hazy_error_idempotency_key": ([c_void_p], c_char_p),
}
for _name, (_args, _res) in _KEY_SIGS.items():
    try:
        getattr(LIB, _name).argtypes, getattr(LIB, _name).restype = _args, _res
    except AttributeError:  # an older library: the cases that need the key fail, the rest run
        pass

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


def _finish(status, out, err):
    if status == hz.OK:
        if err:
            LIB.hazy_error_free(err)
            raise AssertionError("OK returned but *error was not set to NULL")
        return Submission(status, job=hz.Job.take(out))
    try:
        key = LIB.hazy_error_idempotency_key(err)
        msg = LIB.hazy_error_message(err)
        return Submission(status, key=key.decode() if key else None, message=msg.decode())
    finally:
        LIB.hazy_error_free(err)


def train_with_key(c, project, config=CONFIG, key=None):
    out, err = c_void_p(), c_void_p()
    st = LIB.hazy_train_with_key(c.ptr, hz._b(project), hz._b(config), hz._b(key), byref(out), byref(err))
    return _finish(st, out, err)


def generate_with_key(c, project, model_id, num_rows, key=None):
    out, err = c_void_p(), c_void_p()
    st = LIB.hazy_generate_with_key(c.ptr, hz._b(project), hz._b(model_id), num_rows, None, hz._b(key),
                                    byref(out), byref(err))
    return _finish(st, out, err)


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
