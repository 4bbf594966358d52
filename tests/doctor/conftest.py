"""Fixtures of the doctor suite (`make test-doctor`): the stack's real Keycloak and Hub simulator,
misconfigured clients made in Keycloak for one test each, and the canary scan's closing check."""
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import keycloak_admin as kc  # noqa: E402
from doctorcli import HAZY, SCANNED, WATCHED, forms, stackenv, watch  # noqa: E402

REQUIRED_ENV = ("HAZY_TEST_HUB_URL", "HAZY_TEST_KEYCLOAK_URL", "HAZY_TEST_TOKEN_URL", "HAZY_TEST_SIM_ADMIN_URL",
                "HAZY_TEST_CLIENT_SECRET", "HAZY_TEST_KEYCLOAK_HTTPS_URL", "HAZY_TEST_KEYCLOAK_CA")


def pytest_configure(config):
    stackenv.require(REQUIRED_ENV, "the doctor suite", "test-doctor")
    if not HAZY.exists():
        raise pytest.UsageError(f"{HAZY} is missing: run `make build` first")
    for client_id, secret in stackenv.client_secrets().items():
        watch(client_id, secret)


def pytest_sessionfinish(session, exitstatus):
    # A hit fails its test, so a passing session found none.
    found = "0 found" if exitstatus == 0 else "see the failures above"
    print(f"\ndoctor: canary scan of {SCANNED['runs']} runs ({SCANNED['bytes']} bytes of output, -vv log lines "
          f"included) for {len(WATCHED)} secrets and tokens in up to {len(forms('x', 'y'))} forms each: {found}")


@pytest.fixture
def keycloak_client():
    """make(tag, **representation changes) -> (client id, secret) of a new client, deleted after the test."""
    made = []

    def make(tag, **changes):
        client_id = f"doctor-{tag}-{uuid.uuid4().hex[:8]}"
        secret = kc.canary_secret(tag)
        watch(client_id, secret)
        made.append(kc.create_client(kc.client_representation(client_id, secret, **changes)))
        return client_id, secret

    yield make
    for internal_id in made:
        kc.delete_client(internal_id)
