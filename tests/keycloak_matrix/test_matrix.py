"""What the version matrix adds to the Keycloak authentication suite, per release: the server
really is the release and JDK asked for, served in the layout asked for, and a client that finds
Keycloak through `auth_url` trains on the Hub and waits for the job.

Run by tests/keycloak_matrix/suite.py inside tests/stack/stack.py, which set HAZY_TEST_* and
HAZY_MATRIX_{VERSION,PATH,JDK}.
"""
import base64
import json
import os
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO / "tests" / "stack"))
sys.path.insert(0, str(REPO / "tests" / "common"))

import hazy_ctypes as hz  # noqa: E402
import stackenv  # noqa: E402
from stack import ADMIN_PASSWORD, ADMIN_USER  # noqa: E402  the stack's temporary admin

PROXY_ROUTE = "POST /auth/{*rest}"  # how the simulator's stats name its /auth proxy
JOB_MS = 1200
# make test runs this file on the shared stack beside other suites: the simulator's request
# counts read here are this client's only.
USER_AGENT = f"libhazy-keycloak-matrix/{uuid.uuid4()}"
NEEDED = stackenv.ADDRESSES + ("HAZY_TEST_SIM_ADMIN_URL", "HAZY_TEST_CLIENT_ID", "HAZY_TEST_CLIENT_SECRET",
                               "HAZY_MATRIX_VERSION", "HAZY_MATRIX_PATH", "HAZY_MATRIX_JDK")


@pytest.fixture(scope="module")
def env():
    missing = [v for v in NEEDED if not os.environ.get(v)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not set: run `make test-keycloak-matrix`")
    return {v: os.environ[v].rstrip("/") or "/" for v in NEEDED}


def request(url, form=None, token=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def test_server_is_the_release_and_jdk_asked_for(env):
    kc = env["HAZY_TEST_KEYCLOAK_URL"]
    admin = request(f"{kc}/realms/master/protocol/openid-connect/token", {
        "grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USER, "password": ADMIN_PASSWORD})
    info = request(f"{kc}/admin/serverinfo", token=admin["access_token"])["systemInfo"]
    assert info["version"] == env["HAZY_MATRIX_VERSION"], info["version"]
    assert info["javaVersion"].split(".")[0] == env["HAZY_MATRIX_JDK"], info["javaVersion"]


def test_layout_is_the_one_asked_for(env):
    kc = env["HAZY_TEST_KEYCLOAK_URL"]
    path = urllib.parse.urlsplit(kc).path or "/"
    assert path == env["HAZY_MATRIX_PATH"], f"Keycloak is served at {kc}"
    assert env["HAZY_TEST_ISSUER"] == f"{kc}/realms/hazy"
    discovery = request(f"{kc}/realms/hazy/.well-known/openid-configuration")
    assert discovery["issuer"] == env["HAZY_TEST_ISSUER"]
    assert discovery["token_endpoint"] == env["HAZY_TEST_TOKEN_URL"]


def test_train_and_wait_with_auth_url(env):
    """The client is given the Hub and Keycloak's base URL only; it derives the token endpoint
    from `auth_url` (with or without /auth), trains and waits for the job to succeed."""
    hub, kc, project = env["HAZY_TEST_HUB_URL"], env["HAZY_TEST_KEYCLOAK_URL"], f"kc-matrix-{uuid.uuid4()}"
    sim = stackenv.Sim()
    sim.set_job_duration(project, JOB_MS)
    client_id, secret = stackenv.client()

    with hz.Client({"host": hub, "auth_url": kc, "client_id": client_id, "client_secret": secret,
                    "poll_interval_ms": "100", "user_agent": USER_AGENT}) as c:
        job = c.train(project, stackenv.config_json())
        assert job.project_id == project and job.kind == "train"
        seen = []
        done = c.job_wait(job.id, timeout_ms=30000, progress=lambda j: seen.append(j.progress) or 0)
        assert done.state == hz.STATE_SUCCEEDED, done
        assert done.id == job.id and done.progress == 1.0 and done.model_id
        assert len(seen) >= 3 and seen == sorted(seen), seen
        assert c.token_request_count == 1
        token = c.access_token()

    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["iss"] == env["HAZY_TEST_ISSUER"] and claims["azp"] == "api"
    mine = sim.stats(user_agent=USER_AGENT)
    assert mine["requests_total"] > 0, f"the simulator saw nothing from {USER_AGENT}: {mine}"
    assert mine["requests"].get(PROXY_ROUTE, 0) == 0, \
        "auth_url was ignored: the token request went through the Hub's /auth proxy"
