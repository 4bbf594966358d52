"""Fixtures of the integration suites: a real Keycloak (realm `hazy`) and the Hub simulator,
both started by tests/stack/stack.py, which passes their addresses in HAZY_TEST_* variables."""
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hazy_ctypes as hz  # noqa: E402

REQUIRED_ENV = ("HAZY_TEST_KEYCLOAK_URL", "HAZY_TEST_HUB_URL", "HAZY_TEST_TOKEN_URL", "HAZY_TEST_ISSUER")

# Fixtures of tests/realm/hazy-realm.json.
SECRETS = {
    "api": "api-Sup3r-S3cret-0001",
    "api-short-lived": "short-Sup3r-S3cret-0002",
    "api-no-train": "notrain-Sup3r-S3cret-0003",
    "api-no-audience": "noaud-Sup3r-S3cret-0004",
    "api-no-service-account": "nosa-Sup3r-S3cret-0005",
}
USERS = {"analyst": "analyst-Passw0rd!", "disabled-analyst": "disabled-Passw0rd!"}
AUDIENCE = "hazy-hub-backend"
TRAIN_SCOPES = ("hazy/TrainJob:create", "hazy/TrainJob:read", "hazy/TrainJob:cancel")
ALL_SCOPES = TRAIN_SCOPES + ("hazy/GenerationJob:create", "hazy/GenerationJob:read",
                             "hazy/GenerationJob:cancel", "hazy/Model:read")
SHORT_LIFETIME_S = 5.0  # access.token.lifespan of api-short-lived
DEFAULT_MARGIN_S = 30.0  # token_refresh_margin_s default
SIM_LEEWAY_S = 5.0  # hazy-hub-sim's default --leeway-s for exp/nbf

MINIMAL_CONFIG = {
    "data_schema": {"tables": [{"name": "t", "dtypes": {"a": "int"}}]},
    "data_input": [{"name": "t", "location": "s3://b/t.csv"}],
    "model_parameters": {"generator_type": "priv_bayes", "epsilon": 1000.0},
}
REALISTIC_CONFIG_PATH = hz.REPO / "examples" / "training-config.json"


def pytest_configure(config):
    missing = [v for v in REQUIRED_ENV if not os.environ.get(v)]
    if missing:
        raise pytest.UsageError(
            f"{', '.join(missing)} not set: these integration tests need a real Keycloak and the Hub "
            "simulator. Run them with `make test` (or `make build && python3 tests/stack/stack.py run "
            "--sim-bin target/debug/hazy-hub-sim -- make test-integration`), or directly with\n"
            "    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- "
            "python3 -m pytest tests/integration")


# ---------------------------------------------------------------- helpers


def jwt_claims(token: str) -> dict:
    """The payload of a JWT (base64url, no signature check: the simulator verifies tokens)."""
    parts = token.split(".")
    assert len(parts) == 3, f"not a JWS compact token: {len(parts)} parts"
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def audiences(claims: dict) -> list:
    aud = claims.get("aud", [])
    return [aud] if isinstance(aud, str) else list(aud)


def config_json(**overrides) -> str:
    cfg = json.loads(json.dumps(MINIMAL_CONFIG))
    cfg.update(overrides)
    return json.dumps(cfg)


class Sim:
    """The simulator's admin API (/_sim/*, unauthenticated). Never resets: suites share it."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def _req(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                text = resp.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path} -> {e.code}: {e.read()[:500]!r}") from None
        return json.loads(text) if text else None

    def set_job_duration(self, project_id: str, ms: int):
        got = self._req("PUT", f"/_sim/projects/{project_id}", {"job_duration_ms": ms})
        assert got["job_duration_ms"] == ms, got

    def add_fault(self, **spec):
        return self._req("POST", "/_sim/faults", spec)

    def stats(self, project_id=None) -> dict:
        q = "" if project_id is None else "?project_id=" + urllib.request.quote(project_id, safe="")
        return self._req("GET", "/_sim/stats" + q)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def env():
    return {v: os.environ[v].rstrip("/") for v in REQUIRED_ENV}


@pytest.fixture(scope="session")
def hub_url(env):
    return env["HAZY_TEST_HUB_URL"]


@pytest.fixture(scope="session")
def keycloak_url(env):
    return env["HAZY_TEST_KEYCLOAK_URL"]


@pytest.fixture(scope="session")
def token_url(env):
    return env["HAZY_TEST_TOKEN_URL"]


@pytest.fixture(scope="session")
def sim(hub_url):
    return Sim(hub_url)


@pytest.fixture
def project():
    """A project id no other test (or suite sharing the simulator) uses."""
    return f"py-{uuid.uuid4()}"


@pytest.fixture
def make_client():
    """make_client(settings_dict) -> hz.Client, freed at teardown."""
    clients = []

    def make(settings=None, **kw):
        c = hz.Client(settings, **kw)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


@pytest.fixture
def hub_settings(hub_url):
    """Options for a client of the simulator, without credentials."""
    return {"host": hub_url, "poll_interval_ms": "100"}


@pytest.fixture
def api_client(make_client, hub_settings):
    """A client of the simulator, authenticated as `api` with client credentials."""
    c = make_client(hub_settings)
    c.authenticate_client_credentials("api", SECRETS["api"])
    return c


@pytest.fixture(scope="session")
def early_short_lived_token(token_url):
    """An access token of `api-short-lived` (5 s lifetime), fetched with plain HTTP when the
    session starts, so that the test which needs an expired token rarely waits for it.
    Returns (token, exp)."""
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "api-short-lived",
                                   "client_secret": SECRETS["api-short-lived"]}).encode()
    with urllib.request.urlopen(urllib.request.Request(token_url, data=form), timeout=30) as resp:
        token = json.loads(resp.read())["access_token"]
    return token, jwt_claims(token)["exp"]


@pytest.fixture(scope="session", autouse=True)
def _start_early_token(early_short_lived_token):
    yield


def wait_until(deadline_epoch: float):
    delay = deadline_epoch - time.time()
    if delay > 0:
        time.sleep(delay)
