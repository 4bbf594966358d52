"""End-to-end checks of the simulator with real Keycloak tokens: what a schema fuzzer
cannot check. Needs HAZY_TEST_HUB_URL and HAZY_TEST_TOKEN_URL (see run.sh); tests that
use the /_sim/ controls skip against a real Hub.
"""
import base64
import functools
import json
import os
import time
import urllib.error
import urllib.request
import uuid

import pytest

from kc_token import fetch_token

HUB = os.environ.get("HAZY_TEST_HUB_URL", "").rstrip("/")
TOKEN_URL = os.environ.get("HAZY_TEST_TOKEN_URL", "")
KEYCLOAK = os.environ.get("HAZY_TEST_KEYCLOAK_URL", "")

pytestmark = pytest.mark.skipif(not (HUB and TOKEN_URL), reason="HAZY_TEST_HUB_URL and HAZY_TEST_TOKEN_URL not set")

# The realm's test clients (tests/realm/hazy-realm.json), as tests/stack/stack.py exports them.
CLIENTS = {os.environ[f"HAZY_TEST_{role}CLIENT_ID"]: os.environ[f"HAZY_TEST_{role}CLIENT_SECRET"]
           for role in ("", "NO_TRAIN_", "NO_AUDIENCE_") if f"HAZY_TEST_{role}CLIENT_SECRET" in os.environ}

# Hazy's published TrainingConfig shapes (the contract marks which members are modelled).
CONFIG = {
    "data_schema": {"tables": [{"name": "orders"}]},
    "data_input": [{"name": "orders", "location": "s3://bucket/orders.csv"}],
    "model_parameters": {"generator": {"generator_type": "priv_bayes", "epsilon": 1000.0, "n_parents": 3,
                                       "n_bins": 100}},
    "model_output": "orders.hmf",
}


@functools.lru_cache(maxsize=None)
def token(client="api"):
    return fetch_token(client, CLIENTS[client], TOKEN_URL)


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body

    def json(self):
        return json.loads(self.raw)


def call(method, path, body=None, tok=None, headers=None, url=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url or HUB + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if tok:
        req.add_header("Authorization", f"Bearer {tok}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return Resp(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Resp(e.code, e.headers, e.read())


def problem(resp, status, code):
    assert resp.status == status, resp.raw
    assert resp.headers["Content-Type"] == "application/problem+json"
    p = resp.json()
    assert (p["status"], p["code"]) == (status, code), p
    return p


@pytest.fixture
def project():
    return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def sim():
    if call("GET", "/_sim/stats").status != 200:
        pytest.skip("not the simulator (no /_sim/)")
    return True


def submit(project, key=None, body=CONFIG, tok=None):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    return call("POST", f"/api/v1/projects/{project}/train-jobs", body, tok or token(), headers)


def wait_terminal(job_id, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        job = call("GET", f"/api/v1/jobs/{job_id}", tok=token()).json()
        if job["state"] in ("succeeded", "failed", "cancelled") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


# -- tokens ---------------------------------------------------------------------------------


def test_health_needs_no_token():
    r = call("GET", "/api/v1/health")
    assert r.status == 200
    assert r.json()["status"] == "ok" and r.json()["api_version"] == "1"


def test_api_token_submits_train_job(project):
    r = submit(project)
    assert r.status == 201, r.raw
    job = r.json()
    assert (job["project_id"], job["kind"], job["state"]) == (project, "train", "queued")
    assert r.headers["Location"] == f"/api/v1/jobs/{job['id']}"


def test_missing_token_is_401_with_bare_challenge(project):
    r = call("POST", f"/api/v1/projects/{project}/train-jobs", CONFIG)
    problem(r, 401, "invalid_token")
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_token_without_train_scope_is_403_naming_the_scope(project):
    r = submit(project, tok=token("api-no-train"))
    p = problem(r, 403, "insufficient_scope")
    assert p["required_scope"] == "hazy/TrainJob:create"
    assert "hazy/TrainJob:create" in p["detail"]
    assert r.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="hazy/TrainJob:create"'
    # The same token may read models: it has hazy/Model:read.
    assert call("GET", f"/api/v1/projects/{project}/models", tok=token("api-no-train")).status == 200


def test_token_without_audience_is_401_naming_the_audience(project):
    r = submit(project, tok=token("api-no-audience"))
    p = problem(r, 401, "invalid_token")
    assert "hazy-hub-backend" in p["detail"]
    challenge = r.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer error="invalid_token"') and "hazy-hub-backend" in challenge


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_tampered_token_is_401(project):
    header, payload, signature = token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    p = problem(submit(project, tok=forged), 401, "invalid_token")
    assert "signature" in p["detail"]
    problem(submit(project, tok=token() + "x"), 401, "invalid_token")


def test_token_from_auth_proxy_on_hub_host_works(project, sim):
    """The seed tutorial's layout: the token endpoint under {HUB}/auth/."""
    tok = fetch_token("api", CLIENTS["api"], f"{HUB}/auth/realms/hazy/protocol/openid-connect/token")
    assert submit(project, tok=tok).status == 201


# -- idempotency and faults ----------------------------------------------------------------


def test_replay_returns_original_and_different_body_conflicts(project):
    key = str(uuid.uuid4())
    first = submit(project, key)
    assert first.status == 201
    again = submit(project, key)
    assert again.status == 200 and again.json()["id"] == first.json()["id"]
    other = dict(CONFIG, model_output="other.hmf")
    problem(submit(project, key, other), 409, "idempotency_key_reused")


def test_dropped_submission_then_retry_creates_exactly_one_job(project, sim):
    fault = {"path_prefix": f"/api/v1/projects/{project}/", "method": "POST", "kind": "drop", "count": 1}
    assert call("POST", "/_sim/faults", fault).status == 201
    key = str(uuid.uuid4())
    with pytest.raises((ConnectionError, urllib.error.URLError, OSError)) as err:
        submit(project, key)
    assert not isinstance(err.value, urllib.error.HTTPError), "no HTTP response expected"
    retry = submit(project, key)
    assert retry.status == 200, "the dropped request had created the job"
    stats = call("GET", f"/_sim/stats?project_id={project}").json()
    assert stats["jobs_total"] == 1
    assert stats["requests"]["POST /api/v1/projects/{project_id}/train-jobs"] == 2


def test_injected_503_carries_retry_after(project, sim):
    fault = {"path_prefix": f"/api/v1/projects/{project}/jobs", "kind": "status", "status": 503, "retry_after_s": 2}
    assert call("POST", "/_sim/faults", fault).status == 201
    r = call("GET", f"/api/v1/projects/{project}/jobs", tok=token())
    problem(r, 503, "unavailable")
    assert r.headers["Retry-After"] == "2"
    assert call("GET", f"/api/v1/projects/{project}/jobs", tok=token()).status == 200


# -- lifecycle -----------------------------------------------------------------------------


def test_train_success_creates_model_then_generation(project, sim):
    assert call("PUT", f"/_sim/projects/{project}", {"job_duration_ms": 300}).status == 200
    job = submit(project).json()
    done = wait_terminal(job["id"])
    assert (done["state"], done["progress"]) == ("succeeded", 1.0)
    models = call("GET", f"/api/v1/projects/{project}/models", tok=token()).json()
    assert [m["id"] for m in models["items"]] == [done["model_id"]]
    assert models["items"][0]["generator_type"] == "priv_bayes" and models["items"][0]["epsilon"] == 1000.0
    gen = call(
        "POST", f"/api/v1/projects/{project}/generation-jobs", {"model_id": done["model_id"], "num_rows": 10},
        token(), {"Idempotency-Key": str(uuid.uuid4())},
    )
    assert gen.status == 201 and gen.json()["kind"] == "generate" and gen.json()["num_rows"] == 10
    listed = call("GET", f"/api/v1/projects/{project}/jobs?kind=generate", tok=token()).json()
    assert [j["id"] for j in listed["items"]] == [gen.json()["id"]]
    problem(
        call("POST", "/api/v1/projects/elsewhere/generation-jobs", {"model_id": done["model_id"], "num_rows": 1}, token()),
        404, "model_not_found",
    )


def test_sim_fail_input_fails_halfway(project, sim):
    call("PUT", f"/_sim/projects/{project}", {"job_duration_ms": 300})
    body = dict(CONFIG, data_input=[{"name": "orders", "location": "sim://fail/orders.csv"}])
    job = wait_terminal(submit(project, body=body).json()["id"])
    assert job["state"] == "failed" and job["progress"] == 0.5
    assert job["failure_reason"] == "could not read data input sim://fail/orders.csv"


def test_cancel_is_idempotent(project, sim):
    call("PUT", f"/_sim/projects/{project}", {"job_duration_ms": 60000})
    job = submit(project).json()
    first = call("POST", f"/api/v1/jobs/{job['id']}/cancel", tok=token())
    assert first.status == 200 and first.json()["state"] == "cancelled"
    again = call("POST", f"/api/v1/jobs/{job['id']}/cancel", tok=token())
    assert again.status == 200 and again.json() == first.json()


def test_validation_names_the_field(project):
    cases = [
        ({"data_input": []}, "data_schema"),
        ({"data_schema": {}, "data_input": []}, "data_schema.tables"),
        ({"data_schema": {"tables": []}}, "data_input"),
    ]
    for body, field in cases:
        assert problem(submit(project, body=body), 422, "validation_failed")["field"] == field
    assert problem(submit(project, body=[CONFIG]), 422, "invalid_body")["field"] is None
    flat = dict(CONFIG, model_parameters={"generator_type": "priv_bayes", "epsilon": 1000.0})
    p = problem(submit(project, body=flat), 422, "validation_failed")
    assert p["field"] == "model_parameters.generator" and "belong in model_parameters.generator" in p["detail"]
    stats = call("GET", f"/_sim/stats?project_id={project}")
    if stats.status == 200:
        assert stats.json()["requests_total"] == 5 and stats.json()["jobs_total"] == 0


def test_model_output_may_be_an_object(project):
    body = dict(CONFIG, model_output={"type": "s3", "path": "s3://bucket/models/orders.hmf"})
    assert submit(project, body=body).status == 201
