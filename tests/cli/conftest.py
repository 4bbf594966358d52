"""Fixtures of the `hazy` command-line suite (helpers in hazycli.py)."""
import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hazycli import EXIT, HAZY, REQUIRED_ENV, TRAINING_CONFIG, Sim, hazy  # noqa: E402


def pytest_configure(config):
    missing = [v for v in REQUIRED_ENV if not os.environ.get(v)]
    if missing:
        raise pytest.UsageError(
            f"{', '.join(missing)} not set: the CLI suite needs Keycloak and the Hub simulator. Run it "
            "with `make test`, or `python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim "
            "-- make test-cli`")
    if not HAZY.exists():
        raise pytest.UsageError(f"{HAZY} is missing: run `make build` first")


@pytest.fixture(scope="session")
def sim():
    return Sim(os.environ["HAZY_TEST_HUB_URL"])


@pytest.fixture
def project():
    """A project id no other test (or suite sharing the simulator) uses."""
    return f"cli-{uuid.uuid4()}"


@pytest.fixture(scope="session")
def trained_model():
    """(project, model id) of one model trained through the CLI."""
    project = f"cli-{uuid.uuid4()}"
    run = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG, "--wait")
    assert run.rc == EXIT["success"], run.err
    job = run.json()
    assert job["state"] == "succeeded" and job["model_id"], job
    return project, job["model_id"]
