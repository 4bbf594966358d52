"""Fixtures of the integration suites: a real Keycloak (realm `hazy`) and the Hub simulator,
both started by tests/stack/stack.py, which passes their addresses in HAZY_TEST_* variables."""
import base64
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "common")]

import hazy_ctypes as hz  # noqa: E402
import stackenv  # noqa: E402
from stackenv import MINIMAL_CONFIG, Sim, config_json  # noqa: E402,F401  (tests import them from here)
from stack_fixtures import project_fixture, sim  # noqa: E402,F401  (fixtures: pytest finds them by name)

# The realm's test principals (tests/realm/hazy-realm.json), as tests/stack/stack.py exports them.
SECRETS = stackenv.client_secrets()
USERS = stackenv.user_passwords()
AUDIENCE = "hazy-hub-backend"
TRAIN_SCOPES = ("hazy/TrainJob:create", "hazy/TrainJob:read", "hazy/TrainJob:cancel")
ALL_SCOPES = TRAIN_SCOPES + ("hazy/GenerationJob:create", "hazy/GenerationJob:read",
                             "hazy/GenerationJob:cancel", "hazy/Model:read")
SHORT_LIFETIME_S = 5.0  # access.token.lifespan of api-short-lived
DEFAULT_MARGIN_S = 30.0  # token_refresh_margin_s default
SIM_LEEWAY_S = 5.0  # hazy-hub-sim's default --leeway-s for exp/nbf
# Sent by every make_client client unless a test sets its own: other suites (and this suite
# on the tarball) share the simulator at the same time, so counts of requests that carry no
# project are read for this User-Agent only (Sim.stats(user_agent=...)).
SUITE_USER_AGENT = f"libhazy-integration/{uuid.uuid4()}"

REALISTIC_CONFIG_PATH = hz.REPO / "examples" / "training-config.json"


def pytest_configure(config):
    stackenv.require(stackenv.ADDRESSES + ("HAZY_TEST_SIM_ADMIN_URL", "HAZY_TEST_CLIENT_SECRET"),
                     "the integration suite", "test-integration")


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


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def env():
    return {v: stackenv.url(v) for v in stackenv.ADDRESSES}


@pytest.fixture(scope="session")
def hub_url(env):
    return env["HAZY_TEST_HUB_URL"]


@pytest.fixture(scope="session")
def keycloak_url(env):
    return env["HAZY_TEST_KEYCLOAK_URL"]


@pytest.fixture(scope="session")
def token_url(env):
    return env["HAZY_TEST_TOKEN_URL"]


project = project_fixture("py")


@pytest.fixture
def make_client():
    """make_client(settings_dict) -> hz.Client, freed at teardown."""
    clients = []

    def make(settings=None, **kw):
        if settings is not None:
            settings = {"user_agent": SUITE_USER_AGENT, **settings}
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


def sleep_until_refresh_is_due(t0: float, t_auth: float, lifetime: float):
    """Sleeps until just after a token's refresh is due: request + lifetime - min(margin,
    lifetime / 2), the request having been sent in [t0, t_auth] (monotonic seconds)."""
    due = t_auth + lifetime - min(DEFAULT_MARGIN_S, lifetime / 2)
    time.sleep(max(0.0, due + 0.3 - time.monotonic()))
    assert time.monotonic() < t0 + lifetime, "machine too slow: the token expired before the refresh check"


def wait_until(deadline_epoch: float):
    delay = deadline_epoch - time.time()
    if delay > 0:
        time.sleep(delay)
